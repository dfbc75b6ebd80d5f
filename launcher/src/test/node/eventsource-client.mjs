// A real EventSource (the npm eventsource package, WHATWG rules as in browsers) on the URL given: one JSON line on
// stdout per thing it sees (open, error with its readyState, each event with its type, id and data), until killed.
import { EventSource } from 'eventsource';

const url = process.argv[2];
const say = (line) => process.stdout.write(JSON.stringify(line) + '\n');
const source = new EventSource(url);
source.onopen = () => say({ kind: 'open' });
source.onerror = (e) => say({ kind: 'error', readyState: source.readyState, status: e.code ?? null,
    message: e.message ?? null });
const event = (e) => say({ kind: 'event', type: e.type, id: e.lastEventId, data: e.data });
source.onmessage = event;
source.addEventListener('gap', event);
