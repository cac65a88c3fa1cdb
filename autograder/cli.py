"""The `autograder` command: a thin layer over the Python API, one subcommand per function."""
import argparse
import sys

EXAMPLES = {
    "build": "autograder build --check",
    "check": "autograder check course/01-chain-rule/01-chain-rule.ipynb",
    "grade": "autograder grade 01-chain-rule --jobs 2",
}


def _build(args):
    from . import build
    result = build(args.root, check=args.check)
    if args.check:
        for path in result.differ:
            print(f"differs from a fresh build: {path}")
        print("course/ and solutions/ are current" if result.ok else
              f"{len(result.differ)} file(s) differ: run `autograder build`")
        return 0 if result.ok else 1
    print(f"wrote {len(result.written)} files into course/ and solutions/")
    return 0


def _check(args):
    from . import check
    report = check(args.notebook, timeout=args.timeout)
    print(report.table())
    return 0 if report.ok else 1


def _grade(args):
    from .grading.command import main
    return main(args)


def _parser():
    examples = "\n".join(f"  {EXAMPLES[name]}" for name in EXAMPLES)
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__, epilog=f"examples:\n{examples}",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name, func, help_text):
        p = sub.add_parser(name, help=help_text, description=help_text,
                           epilog=f"example:\n  {EXAMPLES[name]}", formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(func=func)
        return p

    p = command("build", _build, "Regenerate course/ and solutions/ from source/.")
    p.add_argument("--check", action="store_true", help="only compare with a fresh build; exit 1 naming each file that differs")
    p.add_argument("--root", default=".", help="the course directory (default: .)")
    p = command("check", _check, "Run a notebook with its visible tests and print one row per exercise; exit 1 unless all pass.")
    p.add_argument("notebook", help="path to the .ipynb to check")
    p.add_argument("--timeout", type=int, default=120, help="seconds per cell (default: 120)")
    p = command("grade", _grade, "Grade nbgrader submissions in a sandbox, in parallel, into nbgrader's gradebook.")
    try:
        from .grading.command import add_arguments
        add_arguments(p)
    except ImportError:
        pass
    return parser


def main(argv=None):
    args = _parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
