from __future__ import annotations

import time
from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from ehcp_portal.accounts.models import User
from ehcp_portal.demo import DEMO_PASSWORD, demo_build, demo_reset


class Command(BaseCommand):
    help = "Build a believable demo council: areas, teams, people, settings and cases."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument("--cases", type=int, default=300, help="number of cases (default 300)")
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="pretend today is this date (YYYY-MM-DD)",
        )
        parser.add_argument("--reset", action="store_true", help="delete existing demo data first")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (but print the sign-ins) if cases already exist",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["cases"] < 20:
            raise CommandError("--cases must be at least 20 so every stage is represented.")
        if Case.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo data already present.")
                self._print_logins()
                return
            if not options["reset"]:
                raise CommandError("Cases already exist; use --reset to rebuild the demo.")
            demo_reset()
        started = time.monotonic()
        result = demo_build(seed=options["seed"], cases=options["cases"], today=options["today"])
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.cases} cases in {elapsed:.1f} s (seed {options['seed']})."
            )
        )
        self._print_logins()

    def _print_logins(self) -> None:
        emails = [
            "parent@demo.ehcp.test",
            "youngperson@demo.ehcp.test",
            "senco@demo.ehcp.test",
            "senco2@demo.ehcp.test",
            "ep@demo.ehcp.test",
            "caseworker@demo.ehcp.test",
            "manager.east@demo.ehcp.test",
            "panel.education@demo.ehcp.test",
            "councillor@demo.ehcp.test",
            "head.of.service@demo.ehcp.test",
            "qa@demo.ehcp.test",
            "admin@demo.ehcp.test",
        ]
        users = {u.email: u for u in User.objects.filter(email__in=emails)}
        self.stdout.write(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD}):")
        for email in emails:
            user = users.get(email)
            if user:
                self.stdout.write(f"  {user.get_role_display():<28} {email}")
