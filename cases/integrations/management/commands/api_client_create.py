"""Issue an API client from the command line and print its token (shown once):

    manage.py api_client_create --name "School MIS" --owner senco@school.example \\
        --scopes requests:write cases:read --days 90
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from cases.integrations.models import ApiClient, Scope
from cases.integrations.tokens import client_secret_issue
from cases.models import Area
from ehcp_portal.accounts.models import User


class Command(BaseCommand):
    help = "Create an API client for one of the council's systems and print its token once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--owner", required=True, help="The owner's email address")
        parser.add_argument("--scopes", nargs="+", required=True, choices=Scope.values)
        parser.add_argument("--areas", nargs="*", default=[], help="Area names (default: all)")
        parser.add_argument("--days", type=int, default=90, help="Days until it expires")
        parser.add_argument("--rate", type=int, default=600, help="Calls allowed per minute")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        owner = User.objects.filter(email__iexact=options["owner"]).first()
        if owner is None:
            raise CommandError(f"No account has the email {options['owner']}")
        if ApiClient.objects.filter(name=options["name"]).exists():
            raise CommandError(f"A client called {options['name']} exists already")
        areas = list(Area.objects.filter(name__in=options["areas"]))
        if len(areas) != len(set(options["areas"])):
            raise CommandError("Unknown area: " + ", ".join(options["areas"]))
        client = ApiClient(
            name=options["name"],
            owner=owner,
            scopes=sorted(set(options["scopes"])),
            expires_at=timezone.now() + timedelta(days=options["days"]),
            rate_per_minute=options["rate"],
        )
        token = client_secret_issue(client=client)
        client.areas.set(areas)
        self.stdout.write(token)
