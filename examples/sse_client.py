#!/usr/bin/env python3
"""A server-sent events client in plain Python (no library): prints each event, resumes after a drop.

    python3 examples/sse_client.py http://localhost:7700/listen/people
    python3 examples/sse_client.py 'http://localhost:7700/listen?channel=people&channel=orders'

TOKEN=... sends a token (auth on); EXIT_AFTER=N exits after N notifications (for tests).
"""
import json
import os
import sys
import time
import urllib.request


def events(response):
    """Yields (event, id, data) per event of a text/event-stream response."""
    event, event_id, data = "message", None, []
    for raw in response:
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line:
            if data:
                yield event, event_id, "\n".join(data)
            event, event_id, data = "message", None, []
        elif line.startswith(":"):
            continue  # a keep-alive comment
        else:
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                event = value
            elif field == "id":
                event_id = value
            elif field == "data":
                data.append(value)


def main():
    url = sys.argv[1]
    exit_after = int(os.environ.get("EXIT_AFTER", "0"))
    last_id, received, delay = None, 0, 0.5
    while True:
        headers = {"Accept": "text/event-stream"}
        if last_id:
            headers["Last-Event-ID"] = last_id  # what we saw last: the server sends what came after it
        if os.environ.get("TOKEN"):
            headers["Authorization"] = "Bearer " + os.environ["TOKEN"]
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
                print("open", flush=True)
                delay = 0.5
                for event, event_id, data in events(response):
                    if event == "gap":  # reload whatever you built from these events
                        print("gap", json.loads(data)["reason"], flush=True)
                    elif event == "error":
                        print("closed by the server:", json.loads(data)["reason"], flush=True)
                    else:
                        last_id = event_id or last_id
                        print(event_id, data, flush=True)
                        received += 1
                        if received == exit_after:
                            return
        except OSError as e:
            print("connection failed:", e, flush=True)
        time.sleep(delay)
        delay = min(delay * 2, 30)


if __name__ == "__main__":
    main()
