"""Run as a script: exec one program and evaluate its examples; results go to stdout after a nonce line.
Stopgap for the Python runner; reads {nonce, context, code, examples: [{source, expected}]} from stdin."""
import contextlib
import io
import json
import sys


def main() -> None:
    job = json.load(sys.stdin)
    out, nonce = sys.stdout, job["nonce"]
    scope: dict = {"__name__": "__seidr__"}
    results, error = [], None
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(job["context"] + "\n" + job["code"], "<program>", "exec"), scope)
    except BaseException as exc:  # the program may raise anything, SystemExit included
        error = f"{type(exc).__name__}: {exc}"
    for ex in [] if error else job["examples"]:
        buffer = io.StringIO()
        try:
            with contextlib.redirect_stdout(buffer):
                try:
                    code = compile(ex["source"], "<example>", "eval")
                except SyntaxError:
                    exec(compile(ex["source"], "<example>", "exec"), scope)
                else:
                    value = eval(code, scope)
                    if value is not None:
                        print(repr(value))
            got = buffer.getvalue()
            ok = ex["expected"] is not None and got.strip() == ex["expected"].strip()
            results.append({"outcome": "passed" if ok or ex["expected"] is None else "failed", "actual": got})
        except BaseException as exc:
            results.append({"outcome": "error", "message": f"{type(exc).__name__}: {exc}"})
    out.write("\n" + nonce + "\n" + json.dumps({"error": error, "results": results}) + "\n")


if __name__ == "__main__":
    main()
