"""Command line: `python -m bench ls|run|compare|new-method|leaderboard`."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from tabulate import tabulate

from bench.errors import BenchError
from bench.registry import project_home


def csv(kind: type = str):
    return lambda text: frozenset(kind(x) for x in text.split(",") if x)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description="latent-bench: latent communication benchmark")
    sub = p.add_subparsers(dest="command", required=True)

    ls = sub.add_parser("ls", help="list registered tasks, encoders or methods")
    ls.add_argument("what", choices=["tasks", "encoders", "methods"])

    run = sub.add_parser("run", help="run a suite manifest; finished cells are skipped")
    which = run.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="the default suite, benchmarks/all.toml")
    which.add_argument("--manifest", type=Path, help="a suite manifest (TOML)")
    run.add_argument("--task", type=csv(), help="only these tasks (comma-separated)")
    run.add_argument("--method", type=csv(), help="only these methods")
    run.add_argument("--encoder", type=csv(), help="only pairs of these encoders")
    run.add_argument("--anchors", type=csv(int), help="only these anchor counts")
    run.add_argument("--seeds", type=csv(int), help="only these seeds")
    run.add_argument("--force", action="store_true", help="redo cells that already have a record")
    run.add_argument("--retry-failed", action="store_true", help="redo cells whose record says failed")
    run.add_argument(
        "--timeout", type=float, metavar="SECONDS",
        help="time limit of one cell (default: none); a cell past it is recorded as failed",
    )  # fmt: skip
    run.add_argument("--device", default="cpu", help="torch device for the embed and communicate phases")
    run.add_argument(
        "-j", "--jobs", type=int, default=os.cpu_count() or 1,
        help="processes scoring cells (default: one per CPU; records are identical for any value)",
    )  # fmt: skip
    run.add_argument(
        "--executor", choices=["local", "dask"], default="local",
        help="where cells are scored: local (this process, or -j processes) or dask (a Dask cluster)",
    )  # fmt: skip
    run.add_argument("--address", help="the Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: start a LocalCluster)")
    run.add_argument("--no-leaderboard", action="store_true", help="do not regenerate the leaderboard")
    add_paths(run)
    run.add_argument("--quiet", action="store_true", help="no progress bars")

    new = sub.add_parser("new-method", help="write a commented method template in baselines/ and its test")
    new.add_argument("name", help="the method's name, e.g. ridge-translation")

    cmp = sub.add_parser("compare", help="paired comparison of a method with others over seeds and pairs")
    cmp.add_argument("method")
    cmp.add_argument("--against", type=csv(), help="the methods to compare with (default: every other)")
    cmp.add_argument("--results", type=Path, help="results folder (default: <project>/results)")

    lb = sub.add_parser("leaderboard", help="regenerate leaderboard.md, results.csv and figures from the records")
    add_paths(lb)
    return p


def add_paths(p: argparse.ArgumentParser) -> None:
    p.add_argument("--results", type=Path, help="results folder (default: <project>/results)")
    p.add_argument("--cache", type=Path, help="space cache (default: $BENCH_CACHE or ~/.cache/latent-bench)")
    p.add_argument("--out", type=Path, help="leaderboard file (default: leaderboard.md beside the results folder)")
    p.add_argument("--html", action="store_true", help="also write the report as one self-contained HTML page")


def paths(args: argparse.Namespace) -> tuple[Path, Path]:
    results = args.results or project_home() / "results"
    return results, args.out or results.resolve().parent / "leaderboard.md"


def cmd_ls(args: argparse.Namespace) -> None:
    from bench.plugins import plugins

    p = plugins()
    if args.what == "tasks":
        rows = [{k: v for k, v in p.tasks.get(n).describe().items() if k != "provenance"} for n in p.tasks]
    elif args.what == "methods":
        rows = [p.methods.get(n).describe() for n in p.methods]
    else:
        rows = [
            {
                "task": n,
                "encoder": s.name,
                "kind": s.kind,
                "architecture": s.architecture,
                "seed": s.seed,
                "dim": s.dim,
            }
            for n in p.tasks
            for s in p.tasks.get(n)().roster()
        ]
    print(tabulate(rows, headers="keys", tablefmt="simple") if rows else f"no {args.what} registered")
    for err in p.errors:
        print(f"warning: plug-in skipped: {err}", file=sys.stderr)


def cmd_run(args: argparse.Namespace) -> None:
    from bench.cache import SpaceCache
    from bench.manifest import load_manifest
    from bench.runner import Filters, Runner, resolve

    start = time.perf_counter()
    manifest = load_manifest(project_home() / "benchmarks" / "all.toml" if args.all else args.manifest)
    filters = Filters(args.task, args.method, args.encoder, args.anchors, args.seeds)
    cells = resolve(manifest, filters)
    results, out = paths(args)
    if args.address and args.executor != "dask":
        raise BenchError("--address names a Dask scheduler: add --executor dask")
    if args.timeout is not None and not args.timeout > 0:
        raise BenchError(f"--timeout must be a positive number of seconds, not {args.timeout:g}")
    runner = Runner(results, SpaceCache(args.cache), args.device, progress=not args.quiet, timeout_s=args.timeout)
    summary = runner.run(
        cells,
        force=args.force,
        jobs=max(1, args.jobs),
        executor=args.executor,
        address=args.address,
        retry_failed=args.retry_failed,
    )
    print(summary.line())
    for failure in summary.failures[:10]:
        print(f"  failed: {failure}")
    if len(summary.failures) > 10:
        print(f"  … and {len(summary.failures) - 10} more failed cells (see the records)")
    if not args.no_leaderboard and cells:
        ran = sum(summary.statuses.values())
        if ran or not out.is_file():
            write_leaderboard(results, out, args.html)
        else:
            print(f"leaderboard up to date: {out}")
    print(f"done in {time.perf_counter() - start:.1f}s")


def cmd_new_method(args: argparse.Namespace) -> None:
    from bench.scaffold import new_method

    method_file, test_file = new_method(args.name, project_home())
    print(f"wrote {method_file} and {test_file}")
    ident = args.name.replace("-", "_")
    contract = "tests/methods/test_methods.py"
    print(f"next: edit both, then `python -m pytest {test_file} {contract} -k '{args.name} or {ident}'`")
    print(f"and `python -m bench run --all --method {args.name}`")


def cmd_compare(args: argparse.Namespace) -> None:
    from bench.report.compare import compare, load

    results = args.results or project_home() / "results"
    print(compare(load(results), args.method, sorted(args.against) if args.against else None))


def write_leaderboard(results: Path, out: Path, html: bool = False) -> None:
    from bench.report.leaderboard import write_leaderboard as write
    from bench.report.table import collect

    written = write(collect(results), results, out, html)
    print(f"wrote {', '.join(map(str, written))} and {results / 'results.csv'}")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "ls":
            cmd_ls(args)
        elif args.command == "run":
            cmd_run(args)
        elif args.command == "compare":
            cmd_compare(args)
        elif args.command == "new-method":
            cmd_new_method(args)
        else:
            write_leaderboard(*paths(args), args.html)
    except BenchError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: finished cells are recorded; rerun the same command to resume", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
