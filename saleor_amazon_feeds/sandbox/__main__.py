"""``python -m saleor_amazon_feeds.sandbox --port 8500``"""

import argparse
import contextlib
import logging
import signal
import sys

from .server import SandboxServer, normalize_public_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m saleor_amazon_feeds.sandbox",
        description="Local SP-API sandbox: LWA, Sellers, Feeds, Listings, Orders.",
    )
    parser.add_argument(
        "--port", type=int, required=True, help="port to listen on (0 = any free port)"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--state-file", default=None, help="persist state to this JSON file"
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="speed up time: multiplies rates, shortens delays and quota windows",
    )
    parser.add_argument(
        "--no-seed", action="store_true", help="start without seed orders"
    )
    parser.add_argument(
        "--public-url",
        default=None,
        help=(
            "base of the document and schema URLs handed to clients, when they "
            "reach the sandbox by another address than --host:--port "
            "(default: the bound address)"
        ),
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    if args.time_scale <= 0:
        parser.error("--time-scale must be positive")
    if args.public_url is not None:
        try:
            args.public_url = normalize_public_url(args.public_url)
        except ValueError as exc:
            parser.error(f"--public-url: {exc}")
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    server = SandboxServer(
        host=args.host,
        port=args.port,
        state_file=args.state_file,
        time_scale=args.time_scale,
        seed=not args.no_seed,
        public_url=args.public_url,
    )
    server.start()
    print(f"SP-API sandbox listening on {server.base_url}", flush=True)
    if args.public_url:
        print(f"SP-API sandbox URLs handed out on {args.public_url}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: server._stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
