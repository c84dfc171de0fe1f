#!/usr/bin/env python3
"""kd4j's notebooks, headless: check that committed notebooks carry no outputs, strip them, execute them.

    nbtool.py check [NB ...]     exit 1 if a notebook has outputs, execution counts or another kernel
    nbtool.py strip [NB ...]     remove outputs and execution counts in place
    nbtool.py run [NB ...]       execute with the kd4j-java kernel; exit 1 on the first error cell of any notebook

Without NB arguments: every notebooks/*.ipynb. `run` writes the executed copies to target/notebook/executed/
(never back into notebooks/), passes KD4J_NOTEBOOK_SCALE (default "tiny") to the kernel, and limits each notebook
to KD4J_NOTEBOOK_TIMEOUT seconds (default 600), kernel start-up included (a start that dies or does not
answer within 60 s is retried, 5 starts in all). Needs nbclient and nbformat (Debian:
python3-nbclient); notebooks/run-all.sh picks a Python that has them.
"""
import os
import re
import sys
import time
from pathlib import Path

import nbformat

KERNEL = "kd4j-java"
NOTEBOOKS = Path(__file__).resolve().parent
ROOT = NOTEBOOKS.parent
EXECUTED = ROOT / "target" / "notebook" / "executed"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# A kernel answers within a few seconds of its start; a start that hangs or dies before answering (both seen on a busy
# machine, with no error from the kernel) is given up (after STARTUP_TIMEOUT seconds) and retried, STARTS starts in all
STARTUP_TIMEOUT = 60
STARTS = 5


def notebooks(args):
    paths = [Path(a) for a in args] if args else sorted(NOTEBOOKS.glob("*.ipynb"))
    if not paths:
        sys.exit("no notebooks found in " + str(NOTEBOOKS))
    return paths


def problems(nb):
    found = []
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != KERNEL:
        found.append(f"kernelspec is {kernel!r}, expected {KERNEL!r}")
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            found.append(f"cell {i}: {len(cell.outputs)} output(s)")
        if cell.get("execution_count") is not None:
            found.append(f"cell {i}: execution_count {cell.execution_count}")
    return found


def check(paths):
    bad = 0
    for path in paths:
        found = problems(nbformat.read(path, as_version=4))
        for p in found:
            print(f"{path}: {p}")
        bad += bool(found)
    if bad:
        print(f"{bad} notebook(s) not clean: run notebooks/nbtool.py strip (outputs are never committed)")
        return 1
    print(f"{len(paths)} notebook(s) clean")
    return 0


def strip(paths):
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
            cell.metadata.pop("execution", None)
        nbformat.write(nb, path)
        print(f"stripped {path}")
    return 0


def error_text(cell):
    for out in cell.get("outputs", []):
        if out.output_type == "error":
            return ANSI.sub("", "\n".join(out.get("traceback", [])) or f"{out.ename}: {out.evalue}")
    return "(no error output)"


def run(paths):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    os.environ.setdefault("KD4J_NOTEBOOK_SCALE", "tiny")
    budget = float(os.environ.get("KD4J_NOTEBOOK_TIMEOUT", "600"))
    EXECUTED.mkdir(parents=True, exist_ok=True)
    failed = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        start = time.monotonic()
        deadline = start + budget
        status = "ok"
        for attempt in range(1, STARTS + 1):
            client = NotebookClient(
                nb, kernel_name=KERNEL, allow_errors=False,
                startup_timeout=int(max(1, min(deadline - time.monotonic(), STARTUP_TIMEOUT))),
                # the whole notebook shares one budget: each cell may use what the earlier ones left
                timeout_func=lambda cell: max(1, int(deadline - time.monotonic())),
                resources={"metadata": {"path": str(path.resolve().parent)}})
            status = "ok"
            try:
                client.execute()
            except CellTimeoutError:
                status = f"timed out after {budget:.0f} s (KD4J_NOTEBOOK_TIMEOUT)"
            except CellExecutionError:
                bad = next((c for c in nb.cells if any(o.output_type == "error" for o in c.get("outputs", []))), None)
                status = "error cell"
                if bad is not None:
                    status += f"\n--- cell source:\n{bad.source}\n--- error:\n{error_text(bad)}"
            except DeadKernelError as e:
                status = f"kernel died: {e}"
            except Exception as e:  # "Kernel didn't respond in N seconds", a missing kernelspec, ...
                status = f"kernel did not start or failed: {type(e).__name__}: {e}"
                failed_start = "didn't respond" in str(e) or "before replying to kernel_info" in str(e)
                if failed_start and attempt < STARTS and deadline - time.monotonic() > 30:
                    # no cell ran: start a new kernel (a start normally answers within 2 s)
                    print(f"{path.name}: the kernel did not answer (start {attempt} of {STARTS}: {e}); starting"
                          f" another", flush=True)
                    continue
            break
        out = EXECUTED / path.name
        nbformat.write(nb, out)
        took = time.monotonic() - start
        print(f"{path.name}: {status.splitlines()[0]} ({took:.1f} s, executed copy: {out.relative_to(ROOT)})")
        if status != "ok":
            print("\n".join(status.splitlines()[1:]))
            failed.append(path.name)
    if failed:
        print(f"FAILED: {', '.join(failed)}")
        return 1
    return 0


def main(argv):
    if len(argv) < 2 or argv[1] not in ("check", "strip", "run"):
        print(__doc__)
        return 2
    paths = notebooks(argv[2:])
    return {"check": check, "strip": strip, "run": run}[argv[1]](paths)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
