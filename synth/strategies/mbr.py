"""mbr: sample ``drafts`` programs at once; the final pick, like every strategy's, goes to the behaviour most
of them share on extra inputs (``seidr.synth.agreement``). Kept as a name for ``best-of-n`` with that pick."""
from __future__ import annotations

from seidr.synth.strategies.best_of_n import search  # noqa: F401
