"""The reference client of bench_terminal.py: reads a prompt per line, streams
the reply with httpx and prints the text deltas as they come, nothing else.

    python bench/raw_client.py BASE_URL KEY chat|responses
"""

import json
import sys

import httpx

url, key, api = sys.argv[1:4]
print("ready> ", end="", flush=True)
with httpx.Client(timeout=None, headers={"Authorization": f"Bearer {key}"}) as client:
    for turn, prompt in enumerate(sys.stdin, 1):
        body = {"model": "grok-4.3", "stream": True}
        if api == "chat":
            path, body["messages"] = "/chat/completions", [{"role": "user", "content": prompt}]
        else:
            path, body["input"] = "/responses", [{"role": "user", "content": prompt}]
        with client.stream("POST", url + path, json=body) as response:
            for line in response.iter_lines():
                if not line.startswith("data: {"):
                    continue
                event = json.loads(line[6:])
                if api == "chat":
                    delta = (event.get("choices") or [{}])[0].get("delta", {}).get("content")
                else:
                    delta = (
                        event.get("delta")
                        if event.get("type") == "response.output_text.delta"
                        else None
                    )
                if delta:
                    sys.stdout.write(delta)
                    sys.stdout.flush()
        print(f"\n[done {turn}]\nready> ", end="", flush=True)
