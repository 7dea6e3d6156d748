"""The demo town of 麻涌镇: villages, plates, buildings, people, organisations, facilities.

`build_demo_town(session, scale="small" | "town", seed=...)` fills an empty database; the
same seed gives the same names, numbers and coordinates. `DEMO_ACCOUNTS` are the fixed
demo logins the run command prints.
"""

from shared.demo.town import DEMO_ACCOUNTS, SCALES, DemoAccount, DemoSummary, ScalePlan, build_demo_town

__all__ = ["DEMO_ACCOUNTS", "SCALES", "DemoAccount", "DemoSummary", "ScalePlan", "build_demo_town"]
