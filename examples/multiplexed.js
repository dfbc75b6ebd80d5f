// A client of the multiplexed session: many channels on one WebSocket, resumed after a drop by their last ids.
//   node examples/multiplexed.js ws://localhost:7700/listen people orders
// Needs Node 22 or newer (Node 20 and 21: node --experimental-websocket). With a token (auth on):
//   TOKEN=... node examples/multiplexed.js ...   EXIT_AFTER=N: exit after N notifications (for tests).
if (typeof WebSocket === "undefined") {
  console.error("needs a WebSocket: Node 22 or newer, or node --experimental-websocket");
  process.exit(2);
}
const [url, ...channels] = process.argv.slice(2);
if (!url || channels.length === 0) {
  console.error("usage: node multiplexed.js ws://host:7700/listen CHANNEL...");
  process.exit(2);
}
const exitAfter = Number(process.env.EXIT_AFTER || 0);
const last = {};                              // channel -> the last id seen: what a reconnect resumes from
let received = 0;
let delay = 500;

function connect() {
  const ws = new WebSocket(url, "pg_eventserv.envelope.v1");
  ws.onopen = () => {
    delay = 500;
    if (process.env.TOKEN) ws.send(JSON.stringify({ type: "auth", token: process.env.TOKEN }));
    for (const channel of channels) {
      ws.send(JSON.stringify({ type: "subscribe", channel, lastEventId: last[channel] }));
    }
  };
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    switch (m.type) {
      case "notification":
        last[m.channel] = m.id;
        console.log(`${m.channel} ${m.id} ${m.payload}`);
        if (++received === exitAfter) process.exit(0);
        break;
      case "subscribed":
        console.log(`subscribed ${m.channel}`);
        break;
      case "gap":                             // reload whatever you built from this channel's events
        console.log(`gap ${m.channel} ${m.reason}`);
        break;
      default:                                // refused, unsubscribed, error
        console.log(JSON.stringify(m));
    }
  };
  ws.onclose = (e) => {
    console.log(`closed ${e.code} ${e.reason}; reconnecting in ${delay} ms`);
    setTimeout(connect, delay);
    delay = Math.min(delay * 2, 30000);
  };
}

connect();
