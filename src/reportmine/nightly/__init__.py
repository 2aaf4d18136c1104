"""Unattended ingestion (`reportmine nightly`): folders and web sources, run by cron."""
from reportmine.nightly.run import NightlyOptions, RunFailed, run_nightly, sigterm_interrupts
from reportmine.nightly.runs import RunSummary

__all__ = ["NightlyOptions", "RunFailed", "RunSummary", "run_nightly", "sigterm_interrupts"]
