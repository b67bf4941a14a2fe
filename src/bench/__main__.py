"""Command line: `python -m bench ls|run|compare|new-method|leaderboard`.

Exit status: 0 done (every cell ok, skipped or not applicable); 1 some cells failed (their records say why;
`--retry-failed` redoes them); 2 a usage or input error (one line on stderr); 130 interrupted (Ctrl-C); 143
stopped by SIGTERM. Interrupted or stopped, a run keeps every finished record and the same command resumes it.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

from bench import __version__
from bench.errors import BenchError, UnknownName
from bench.registry import project_home

EXIT_FAILED_CELLS, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 1, 2, 130, 143


class Stopped(KeyboardInterrupt):
    """SIGTERM (`timeout`, `kill`, a batch scheduler's preemption), handled like Ctrl-C."""


class Parser(argparse.ArgumentParser):
    """No abbreviated options; a usage error is one line (`error: …`), exit status 2."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, allow_abbrev=False, **kwargs)

    def error(self, message: str):
        raise BenchError(f"{self.prog}: {message} (see {self.prog} --help)")


def names(text: str) -> frozenset[str]:
    """Comma-separated names, e.g. `procrustes,relative`."""
    found = frozenset(x.strip() for x in text.split(",") if x.strip())
    if not found:
        raise argparse.ArgumentTypeError(f"expected comma-separated names, got {text!r}")
    return found


def counts(text: str) -> frozenset[int]:
    """Comma-separated whole numbers, e.g. `10,300`."""
    try:
        found = frozenset(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        found = frozenset()
    if not found or min(found) < 0:
        raise argparse.ArgumentTypeError(f"expected comma-separated whole numbers ≥ 0 (e.g. 10,300), got {text!r}")
    return found


class Union(argparse.Action):
    """A filter given more than once keeps every value: `--encoder a --encoder b` is `--encoder a,b`."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        setattr(namespace, self.dest, (getattr(namespace, self.dest) or frozenset()) | values)


def positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def processes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes ≥ 1, got {text!r}")
    return value


def parser() -> argparse.ArgumentParser:
    p = Parser(prog="python -m bench", description="latent-bench: latent communication benchmark")
    p.add_argument("--version", action="version", version=f"latent-bench {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    ls = sub.add_parser("ls", help="list registered tasks, encoders or methods")
    ls.add_argument("what", choices=["tasks", "encoders", "methods"])
    ls.add_argument("--json", action="store_true", help="print JSON rows instead of a table")

    run = sub.add_parser("run", help="run a suite manifest; finished cells are skipped")
    which = run.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="the default suite, benchmarks/all.toml")
    which.add_argument("--manifest", type=Path, help="a suite manifest (TOML)")
    run.add_argument("--task", type=names, action=Union, help="only these tasks (comma-separated or repeated)")
    run.add_argument("--method", type=names, action=Union, help="only these methods")
    run.add_argument("--encoder", type=names, action=Union, help="only pairs of these encoders")
    run.add_argument("--anchors", type=counts, action=Union, help="only these anchor counts")
    run.add_argument("--seeds", type=counts, action=Union, help="only these seeds")
    run.add_argument("--force", action="store_true", help="redo cells that already have a record")
    run.add_argument("--retry-failed", action="store_true", help="redo cells whose record says failed")
    run.add_argument("--dry-run", action="store_true", help="say what would run and how long it may take; run nothing")
    run.add_argument(
        "--timeout", type=positive, metavar="SECONDS",
        help="time limit of one cell (default: none); a cell past it is recorded as failed",
    )  # fmt: skip
    run.add_argument("--device", default="cpu", help="torch device for the embed and communicate phases")
    run.add_argument(
        "--dtype", choices=["float32", "float64"], default="float32",
        help="precision of the communicate phase (default float32; float64 to check a result does not depend on it)",
    )  # fmt: skip
    run.add_argument(
        "-j", "--jobs", type=processes, default=os.cpu_count() or 1,
        help="processes scoring cells (default: one per CPU; records are identical for any value)",
    )  # fmt: skip
    run.add_argument(
        "--executor", choices=["local", "dask"], default="local",
        help="where cells are scored: local (this process, or -j processes) or dask (a Dask cluster)",
    )  # fmt: skip
    run.add_argument(
        "--address", help="the Dask scheduler, e.g. tls://10.0.0.5:8786 (default: start a LocalCluster on loopback)"
    )
    run.add_argument(
        "--dask-security", type=Path, metavar="FILE",
        help="TOML naming the PEM files `ca`, `cert` and `key` to reach the Dask scheduler over TLS "
        "(default: Dask's own configuration)",
    )  # fmt: skip
    run.add_argument("--no-leaderboard", action="store_true", help="do not regenerate the leaderboard")
    add_paths(run)
    run.add_argument("--quiet", action="store_true", help="no progress bars")

    new = sub.add_parser("new-method", help="write a commented method template in baselines/ and its test")
    new.add_argument("name", help="the method's name, e.g. ridge-translation")

    cmp = sub.add_parser("compare", help="paired comparison of a method with others over seeds and pairs")
    cmp.add_argument("method")
    cmp.add_argument("--against", type=names, action=Union, help="the methods to compare with (default: every other)")
    cmp.add_argument("--results", type=Path, help="results folder (default: <project>/results)")
    cmp.add_argument("--format", choices=["markdown", "csv", "json"], default="markdown", help="output format")

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
    from tabulate import tabulate

    from bench.listing import plugin_index, rows

    index = plugin_index()
    shown = rows(args.what, index)
    if args.json:
        print(json.dumps(shown, indent=1))
    else:
        print(tabulate(shown, headers="keys", tablefmt="simple") if shown else f"no {args.what} registered")
    for err in index["errors"]:
        print(f"warning: plug-in skipped: {err}", file=sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    from bench.cache import SpaceCache
    from bench.manifest import load_manifest
    from bench.plugins import plugins
    from bench.runner import Filters, Runner, resolve

    start = time.perf_counter()
    if args.address and args.executor != "dask":
        raise BenchError("--address names a Dask scheduler: add --executor dask")
    if args.dask_security and args.executor != "dask":
        raise BenchError("--dask-security is for a Dask scheduler: add --executor dask")
    if args.dask_security:
        from bench.executors import dask_security

        dask_security(args.dask_security)  # a bad file is reported before anything runs
    manifest = load_manifest(project_home() / "benchmarks" / "all.toml" if args.all else args.manifest)
    broken = plugins().errors
    for err in broken:
        print(f"warning: plug-in skipped: {err}", file=sys.stderr)
    try:
        cells = resolve(manifest, Filters(args.task, args.method, args.encoder, args.anchors, args.seeds))
    except UnknownName as e:
        if broken:
            raise BenchError(f"{e} ({len(broken)} plug-in(s) failed to import: {broken[0]})") from None
        raise
    results, out = paths(args)
    runner = Runner(
        results, SpaceCache(args.cache), args.device, progress=not args.quiet, timeout_s=args.timeout, dtype=args.dtype
    )
    if args.dry_run:
        from bench.plan import describe, make_plan

        selection = runner.select(cells, args.force, args.retry_failed)
        plan = make_plan(cells, selection.todo, results, runner.cache, args.jobs)
        print(describe(plan, f"manifest {manifest.name!r}", args.jobs))
        if redo := selection.redone():
            print(f"{' and '.join(redo)} would be redone")
        return 0
    summary = runner.run(
        cells,
        force=args.force,
        jobs=args.jobs,
        executor=args.executor,
        address=args.address,
        retry_failed=args.retry_failed,
        dask_security=args.dask_security,
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
    if failed := summary.statuses.get("failed", 0):
        print(f"error: {failed} cells failed; `--retry-failed` redoes them", file=sys.stderr)
        return EXIT_FAILED_CELLS
    return 0


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
    print(compare(load(results), args.method, sorted(args.against) if args.against else None, args.format))


def write_leaderboard(results: Path, out: Path, html: bool = False) -> None:
    from bench.report.leaderboard import write_leaderboard as write
    from bench.report.table import collect

    table = collect(results)
    if unreadable := table.attrs.get("unreadable"):
        print(
            f"warning: {len(unreadable)} unreadable record files left out (the leaderboard names them)", file=sys.stderr
        )
    if changed := table.attrs.get("changed"):
        print(f"warning: {changed} records of changed encoders left out (`run` redoes them)", file=sys.stderr)
    written = write(table, results, out, html)
    pages = [p for p in written if p.parent == results / "tasks"]
    what = ", ".join(str(p) for p in written if p not in pages) + f" and {len(pages)} task pages in {results / 'tasks'}"
    if table.attrs.get("source") == "table":
        print(f"wrote {what} from {results / 'results.csv'} (no records under {results})")
    elif lost := table.attrs.get("kept_table"):
        print(f"wrote {what}; kept {results / 'results.csv'} as it is: it holds {lost} cells whose record files are "
              "absent here")  # fmt: skip
    else:
        print(f"wrote {what} and {results / 'results.csv'}")


def on_sigterm(signum: int, frame: object) -> None:
    raise Stopped()


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        args = parser().parse_args(argv)
        if args.command == "ls":
            cmd_ls(args)
        elif args.command == "run":
            return cmd_run(args)
        elif args.command == "compare":
            cmd_compare(args)
        elif args.command == "new-method":
            cmd_new_method(args)
        else:
            write_leaderboard(*paths(args), args.html)
    except BenchError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the reader went away (`… | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt as e:
        how = "stopped by SIGTERM" if isinstance(e, Stopped) else "interrupted"
        print(f"{how}: finished cells are recorded; rerun the same command to resume", file=sys.stderr)
        return EXIT_TERMINATED if isinstance(e, Stopped) else EXIT_INTERRUPTED
    return 0


if __name__ == "__main__":
    sys.exit(main())
