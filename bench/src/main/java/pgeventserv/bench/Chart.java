package pgeventserv.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * {@code bench.png}, drawn with Java2D (headless): throughput bars with the ceiling's line, latency
 * percentiles on a log scale beside the ceiling's, and memory per idle session.
 */
final class Chart {

    /** One server's bars fit in 500 px a panel; with a --target every panel has twice as many, so twice the room. */
    private static final int PANEL_WIDTH = 500;
    private static final int HEIGHT = 560;
    private static final Color CEILING = new Color(0x9E9E9E);
    private static final Color RELAY = new Color(0x1565C0);
    private static final Color TARGET = new Color(0xEF6C00);
    private static final Color[] TARGET_SHADES = {new Color(0xFFB74D), new Color(0xEF6C00), new Color(0x8A3A00)};
    private static final Color[] PERCENTILES = {new Color(0x64B5F6), new Color(0x1565C0), new Color(0x0D2B5E)};
    private static final Color[] CEILING_SHADES = {new Color(0xBDBDBD), new Color(0x9E9E9E), new Color(0x616161)};
    private static final Color GRID = new Color(0xE0E0E0);

    private record Bar(String label, double value, String caption, Color color) {
    }

    private final int panel;
    private final int width;

    private Chart(int panel) {
        this.panel = panel;
        this.width = 3 * panel;
    }

    static void write(Results results, Path png) throws IOException {
        new Chart(results.hasTarget() ? 2 * PANEL_WIDTH : PANEL_WIDTH).draw(results, png);
    }

    private void draw(Results results, Path png) throws IOException {
        BufferedImage image = new BufferedImage(width, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, HEIGHT);
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.drawString("pg_eventserv bench " + (results.label == null ? "" : "'" + results.label + "' ") + results.startedAt + " (load " + results.loadAtStart + ")", 12, HEIGHT - 10);
            resumeLine(g, results);
            throughput(g, results);
            latency(g, results);
            memory(g, results);
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", png.toFile());
    }

    private void throughput(Graphics2D g, Results results) {
        List<Bar> bars = new ArrayList<>();
        int ceilings = 0;
        // Ceiling runs first, side by side, then the relay's.
        for (Results.Throughput r : results.throughput) {
            if (r.ceiling()) {
                bars.add(ceilings, new Bar(ceilings == 0 ? "ceiling" : "ceiling\nagain", r.deliveriesPerSecond(),
                        compact(r.deliveriesPerSecond()), CEILING));
                ceilings++;
            } else {
                String caption = compact(r.deliveriesPerSecond())
                        + results.ofCeiling(r.deliveriesPerSecond()).map(f -> "\n" + Report.percent(f)).orElse("");
                bars.add(new Bar(rowLabel(r.name(), clients(r.clients()).replace(' ', '\n')), r.deliveriesPerSecond(), caption,
                        isTarget(r.name()) ? TARGET : RELAY));
            }
        }
        double ceiling = results.ceilingThroughput().map(Results.Throughput::deliveriesPerSecond).orElse(0.0);
        barPanel(g, 0, "Deliveries per second (fan-out)", bars, ceiling, "ceiling");
    }

    /** The resume phase in one line, right of the footer: it has no bar of its own. */
    private void resumeLine(Graphics2D g, Results results) {
        for (Results.Resume r : results.resume) {
            String line = String.format(Locale.ROOT, "resume %d streams x %d behind%s: %s, p99 %s ms, %s/s replayed, %d missing, %d doubled",
                    r.clients(), r.behind(), results.hasTarget() ? " (" + r.name() + ")" : "",
                    r.allDoneMicros() < 0 ? r.complete() + "/" + r.clients() + " complete" : "all in " + Report.millis(r.allDoneMicros()) + " ms",
                    Report.millis(r.reconnectToLast().p99()), compact(r.replayedPerSecond()), r.missing(), r.extra());
            g.drawString(line, width - 12 - g.getFontMetrics().stringWidth(line), HEIGHT - 10 - 16 * results.resume.indexOf(r));
        }
    }

    private void memory(Graphics2D g, Results results) {
        List<Bar> bars = new ArrayList<>();
        String title = "Memory per idle session, KiB";
        for (Results.Memory m : results.memory) {
            String who = results.hasTarget() ? "\n" + m.name() : "";
            Color color = isTarget(m.name()) ? TARGET : RELAY;
            if (m.heapPerSession() >= 0) {
                bars.add(new Bar("heap" + who, m.heapPerSession() / 1024, String.format(Locale.ROOT, "%.1f", m.heapPerSession() / 1024), color));
            }
            bars.add(new Bar("RSS" + who, m.rssPerSession() / 1024, String.format(Locale.ROOT, "%.1f", m.rssPerSession() / 1024), color));
        }
        if (!results.memory.isEmpty()) {
            title += " (" + Report.count(results.memory.get(0).sessions()) + " open)";
        }
        barPanel(g, 2 * panel, title, bars, 0, null);
    }

    static boolean isTarget(String name) {
        return name.startsWith(Bench.TARGET);
    }

    /** Under a bar: how many clients, on which channels, and whose server when a target is measured too. */
    static String rowLabel(String name, String clients) {
        String label = clients;
        int comma = name.indexOf(", ");
        if (comma >= 0) {
            label += "\n" + name.substring(comma + 2);
        }
        return isTarget(name) ? label + "\ntarget" : label;
    }

    private void barPanel(Graphics2D g, int x0, String title, List<Bar> bars, double line, String lineLabel) {
        int left = x0 + 90;
        int right = x0 + panel - 20;
        int top = 60;
        int bottom = HEIGHT - 80;
        title(g, x0, title);
        double max = line;
        for (Bar b : bars) {
            max = Math.max(max, b.value());
        }
        if (bars.isEmpty() || max <= 0) {
            g.drawString("not measured", left + 20, (top + bottom) / 2);
            return;
        }
        max = niceCeiling(max * 1.15);
        axis(g, left, right, top, bottom, max);
        int slot = (right - left) / bars.size();
        int width = Math.min(80, slot * 2 / 3);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int height = (int) Math.round(Math.max(0, b.value()) / max * (bottom - top));
            int x = left + i * slot + (slot - width) / 2;
            g.setColor(b.color());
            g.fillRect(x, bottom - height, width, height);
            g.setColor(Color.BLACK);
            String[] caption = b.caption().split("\n");
            for (int row = 0; row < caption.length; row++) {
                centered(g, caption[row], x + width / 2, bottom - height - 6 - 14 * (caption.length - 1 - row));
            }
            String[] label = b.label().split("\n");
            for (int row = 0; row < label.length; row++) {
                centered(g, label[row], x + width / 2, bottom + 18 + 14 * row);
            }
        }
        if (line > 0) {
            int y = bottom - (int) Math.round(line / max * (bottom - top));
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
            g.drawLine(left, y, right, y);
            g.setStroke(new BasicStroke(1));
            g.drawString(lineLabel, right - g.getFontMetrics().stringWidth(lineLabel), y - 4);
        }
    }

    private void latency(Graphics2D g, Results results) {
        int x0 = panel;
        int left = x0 + 90;
        int right = x0 + panel - 20;
        int top = 60;
        int bottom = HEIGHT - 80;
        title(g, x0, "Latency NOTIFY -> client, ms (log scale)");
        List<Results.Latency> runs = results.latency.stream().filter(r -> r.summary().count() > 0).toList();
        if (runs.isEmpty()) {
            g.drawString("not measured", left + 20, (top + bottom) / 2);
            return;
        }
        double low = Double.MAX_VALUE;
        double high = 0;
        for (Results.Latency r : runs) {
            low = Math.min(low, Math.max(1, r.summary().p50()) / 1000.0);
            high = Math.max(high, Math.max(1, r.summary().max()) / 1000.0);
        }
        double from = Math.floor(Math.log10(low));
        double to = Math.max(from + 1, Math.ceil(Math.log10(high)));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double e = from; e <= to; e++) {
            int y = logY(Math.pow(10, e), from, to, top, bottom);
            g.setColor(GRID);
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            double ms = Math.pow(10, e);
            String label = ms >= 1000 ? String.format(Locale.ROOT, "%.0f s", ms / 1000)
                    : ms >= 1 ? String.format(Locale.ROOT, "%.0f", ms) : Double.toString(Math.round(ms * 1000) / 1000.0);
            g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        g.setColor(Color.BLACK);
        g.drawLine(left, bottom, right, bottom);
        int slot = (right - left) / runs.size();
        int width = Math.min(36, slot / 4);
        String[] names = {"p50", "p99", "max"};
        for (int i = 0; i < runs.size(); i++) {
            Results.Latency r = runs.get(i);
            long[] values = {r.summary().p50(), r.summary().p99(), r.summary().max()};
            int x = left + i * slot + (slot - 3 * width) / 2;
            for (int k = 0; k < 3; k++) {
                double ms = Math.max(1, values[k]) / 1000.0;
                int y = logY(ms, from, to, top, bottom);
                g.setColor(r.ceiling() ? CEILING_SHADES[k] : isTarget(r.name()) ? TARGET_SHADES[k] : PERCENTILES[k]);
                g.fillRect(x + k * width, y, width - 4, bottom - y);
                g.setColor(Color.BLACK);
                centered(g, shortMillis(values[k] / 1000.0), x + k * width + width / 2 - 2, y - 5);
                centered(g, names[k], x + k * width + width / 2 - 2, bottom + 14);
            }
            String[] label = (r.ceiling() ? "ceiling" : rowLabel(r.name(), compact(r.clients()) + " x\n"
                    + compact(r.rate()) + "/s")).split("\n");
            for (int row = 0; row < label.length; row++) {
                centered(g, label[row], x + 3 * width / 2, bottom + 32 + 14 * row);
            }
        }
    }

    /** A rate in at most five characters or so: 442 k, 7.75 M. */
    static String compact(double n) {
        if (n >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", n / 1e6);
        }
        return n >= 1e4 ? String.format(Locale.ROOT, "%.0f k", n / 1e3) : Report.count(n);
    }

    /** Milliseconds in at most four characters or so, seconds from 1,000 ms on: labels that fit over a bar. */
    static String shortMillis(double ms) {
        if (ms >= 1000) {
            return String.format(Locale.ROOT, ms >= 10_000 ? "%.0f s" : "%.1f s", ms / 1000);
        }
        return String.format(Locale.ROOT, ms >= 100 ? "%.0f" : ms >= 10 ? "%.1f" : ms >= 1 ? "%.2f" : "%.3g", ms);
    }

    private static String clients(int n) {
        return Report.count(n) + (n == 1 ? " client" : " clients");
    }

    private static int logY(double value, double from, double to, int top, int bottom) {
        double f = (Math.log10(value) - from) / (to - from);
        return bottom - (int) Math.round(Math.min(1, Math.max(0, f)) * (bottom - top));
    }

    private static void title(Graphics2D g, int x0, String text) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(text, x0 + 20, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    }

    private static void axis(Graphics2D g, int left, int right, int top, int bottom, double max) {
        for (int i = 0; i <= 4; i++) {
            int y = bottom - (bottom - top) * i / 4;
            g.setColor(GRID);
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            double value = max * i / 4;
            String label = max >= 100 ? Report.count(value) : String.format(Locale.ROOT, "%.1f", value);
            g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        g.setColor(Color.BLACK);
        g.drawLine(left, bottom, right, bottom);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code value}: round axis labels. */
    static double niceCeiling(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static void centered(Graphics2D g, String text, int x, int y) {
        FontMetrics m = g.getFontMetrics();
        g.drawString(text, x - m.stringWidth(text) / 2, y);
    }
}
