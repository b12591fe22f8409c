#!/usr/bin/env python3
"""The benchmark merchant's webhook endpoint: answers every HTTP/1.1 request 200 on 127.0.0.1, keep-alive, and
counts them. Small on purpose (one asyncio loop, no parsing beyond what framing needs) so that it takes little
of the machine the gateway is measured on.

    webhook-sink.py --ready-file FILE [--count-file FILE]

Listens on a free port, writes {"port": N} to the ready file; on SIGTERM (or SIGINT) writes the number of
requests answered to the count file and exits. Only loopback.
"""
import argparse
import asyncio
import json
import os
import signal

parser = argparse.ArgumentParser()
parser.add_argument("--ready-file", required=True)
parser.add_argument("--count-file")
args = parser.parse_args()

answered = 0
REPLY = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"


async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    global answered
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if length:
                await reader.readexactly(length)
            writer.write(REPLY)
            answered += 1
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError, ValueError):
        pass
    finally:
        writer.close()


async def main() -> None:
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    partial = args.ready_file + ".partial"
    with open(partial, "w") as ready:
        json.dump({"port": port}, ready)
    os.replace(partial, args.ready_file)
    await stop.wait()
    server.close()
    if args.count_file:
        with open(args.count_file, "w") as count:
            count.write(f"{answered}\n")


asyncio.run(main())
