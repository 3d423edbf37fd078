"""``python -m benchmarks.simserver --port 8099 --latency-ms 50 --fault-rate 0.3 --faults ...``"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from typing import Any

from benchmarks.simserver.config import SimConfig
from benchmarks.simserver.server import READY, _bind, make_server


def _list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def parse_config(argv: list[str] | None = None) -> tuple[argparse.Namespace, SimConfig]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.simserver", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099, help="0 picks a free port")
    parser.add_argument("--latency-ms", type=float)
    parser.add_argument("--fault-rate", type=float)
    parser.add_argument("--faults", type=_list, help="kinds drawn at --fault-rate (comma list)")
    parser.add_argument("--script", type=_list, help="per-request outcomes consumed first")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--retry-after", dest="retry_after_seconds", type=float)
    parser.add_argument("--timeout-seconds", type=float, help="how long a timeout fault stalls")
    parser.add_argument("--mode", choices=["offline", "recorded"])
    parser.add_argument("--recorded-dir")
    parser.add_argument("--config-json", help="a whole SimConfig as JSON (flags override it)")
    args = parser.parse_args(argv)
    base = SimConfig.model_validate_json(args.config_json) if args.config_json else SimConfig()
    fields = [
        "latency_ms",
        "fault_rate",
        "faults",
        "script",
        "seed",
        "retry_after_seconds",
        "timeout_seconds",
        "mode",
        "recorded_dir",
    ]
    changes = {f: getattr(args, f) for f in fields if getattr(args, f) is not None}
    return args, SimConfig.model_validate(base.model_dump() | changes)


def exit_with_parent(server: Any, interval: float = 0.5) -> threading.Thread:
    """Stop ``server`` when the process that started this one is gone (killed, crashed): a
    simulated server is never left behind by a benchmark or test that died."""
    parent = os.getppid()

    def watch() -> None:
        while not server.should_exit:
            if os.getppid() != parent:
                server.handle_exit(15, None)
                return
            time.sleep(interval)

    thread = threading.Thread(target=watch, name="simserver-parent-watch", daemon=True)
    thread.start()
    return thread


def main(argv: list[str] | None = None) -> int:
    args, config = parse_config(argv)
    sock = _bind(args.host, args.port)
    server, _ = make_server(config)
    exit_with_parent(server)
    print(f"{READY} http://{args.host}:{sock.getsockname()[1]}/v1", flush=True)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it handled gracefully
        pass
    finally:
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
