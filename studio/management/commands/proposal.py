"""``manage.py proposal DESIGN.json -o FILE.pdf [--paper a4|letter]``: the PDF proposal of a design file.

The same document the studio's proposal job makes (``studio.reports.proposal``): validation by
``rules.validate``, the bill of materials on its totals, and the estimate the file carries
(``estimates``, as the studio's export writes it) unless it is marked stale or ``--estimate`` is
given; otherwise the estimate is run here, in-process (``estimating.estimate_result``), as the
estimate job would. Exit 0 when written, 2 when the design file cannot be used (the message names
the JSON path) or the output cannot be written. No database needed.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from studio.domain import perf
from studio.domain.designfile import DesignFileError, load_estimates
from studio.domain.rules import validate
from studio.estimating import estimate_result
from studio.management.designcli import EXIT_UNUSABLE, DesignFileCommand
from studio.reports.proposal import DEFAULT_PAPER, PAPERS, ProposalInputs, render_pdf

EXIT_OK = 0


def file_estimate(data, design, catalog, *, rerun: bool) -> tuple[dict | None, str]:
    """The estimate to print and where it comes from: the file's own when fresh, else run now."""
    carried = None if rerun else load_estimates(data)
    if carried and not carried["stale"]:
        when = carried["finished_at"][:16].replace("T", " ")
        return carried["result"], f"Estimate carried by the design file{f' (made {when} UTC)' if when else ''}."
    if not design.workloads:
        return None, "No estimate: the design has no workloads."
    try:
        return estimate_result(design, catalog, lambda *a: None), "Estimated from the design file when this was made."
    except perf.EstimateError as exc:
        return None, f"No estimate: {exc}"


class Command(DesignFileCommand):
    """Reads the file itself (not ``DesignFileCommand.load_design``): it also needs the file's
    ``estimates``, and standard input can be read only once."""

    requires_system_checks = []  # a file in, a file out: no URLconf or database needed
    help = "PDF proposal of an ai-factory-design/1 file."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("-o", "--output", required=True, help="the PDF file to write")
        parser.add_argument("--paper", choices=tuple(PAPERS), default=DEFAULT_PAPER)
        parser.add_argument("--customer", default="", help="who the proposal is for (on the cover)")
        parser.add_argument("--author", default="", help="who prepared it (on the cover)")
        parser.add_argument("--estimate", action="store_true",
                            help="run the estimate even when the file carries a fresh one")

    def handle(self, *args, **options):
        raise SystemExit(self.run(options["design"], options["output"], paper=options["paper"],
                                  customer=options["customer"], author=options["author"], rerun=options["estimate"]))

    def run(self, name: str, output: str, *, paper: str = DEFAULT_PAPER, customer: str = "", author: str = "",
            rerun: bool = False) -> int:
        loaded = self.read_design(name)
        if loaded is None:
            return EXIT_UNUSABLE
        text, design, catalog = loaded
        try:
            result, note = file_estimate(json.loads(text), design, catalog, rerun=rerun)
        except DesignFileError as exc:  # the file's estimates entry
            self.stderr.write(f"{name}: {exc.path or '(file)'}: {exc.message}")
            return EXIT_UNUSABLE
        inputs = ProposalInputs(design=design, report=validate(design, catalog), catalog=catalog, result=result,
                                estimate_note=note, customer=customer, author=author, made_on=dt.date.today(),
                                paper=paper)
        rendered = render_pdf(inputs)
        try:
            Path(output).write_bytes(rendered.pdf)
        except OSError as exc:
            self.stderr.write(f"{output}: cannot write: {exc}")
            return EXIT_UNUSABLE
        self.stderr.write(f"{output}: {rendered.pages} pages, {len(rendered.pdf):,} bytes in {rendered.seconds:.1f} s")
        return EXIT_OK
