"""Prints the figures at the end of the run and writes bench-results/."""

from bench import report


def pytest_terminal_summary(terminalreporter):
    path = report.write()
    terminalreporter.section("Figures (BRIEF section 6), ratios against this run")
    for line in report.lines() or ["no figure measured"]:
        terminalreporter.write_line(line)
    if path:
        terminalreporter.write_line(f"written: {path} and {path.with_suffix('.png')}")
