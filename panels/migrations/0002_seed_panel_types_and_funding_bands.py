"""Default panel types and funding bands; administrators change them in the Django admin.

The values are copied here (not imported) so the migration keeps meaning the same thing.
"""

from decimal import Decimal

from django.db import migrations

APPEAL = (
    "You can talk to a mediation adviser and you can appeal to the First-tier Tribunal "
    "(Special Educational Needs and Disability). The dates are below."
)

PANEL_TYPES = [
    {
        "slug": "decision-to-assess",
        "name": "Decision to assess",
        "description": "Whether to carry out an EHC needs assessment (reg 4 and 5).",
        "required_disciplines": ["education", "ep"],
        "decision_fields": ["advice_needed", "actions"],
        "ready_stages": ["received", "deciding_assess"],
        "outcomes": [
            {
                "code": "agree",
                "label": "Agree to carry out an EHC needs assessment",
                "action": "agree_to_assess",
                "appeal_rights": False,
                "next_steps": (
                    "We will now ask for advice from the professionals who know your child, "
                    "and from you. Each of them has 6 weeks to reply. We will then decide "
                    "whether to issue an EHC plan."
                ),
            },
            {
                "code": "refuse",
                "label": "Not to carry out an EHC needs assessment",
                "action": "refuse_to_assess",
                "appeal_rights": True,
                "next_steps": (
                    "Your child's school or setting will keep supporting them through SEN "
                    "support. Your caseworker can talk the decision through with you. " + APPEAL
                ),
            },
        ],
    },
    {
        "slug": "decision-to-issue",
        "name": "Decision to issue",
        "description": (
            "Whether to issue an EHC plan, with the provision, setting, funding band and "
            "transport considered together (reg 10)."
        ),
        "required_disciplines": ["education", "ep", "health", "social_care"],
        "decision_fields": ["funding_band", "setting", "transport", "advice_needed", "actions"],
        "ready_stages": ["deciding_issue"],
        "outcomes": [
            {
                "code": "agree",
                "label": "Agree to issue an EHC plan",
                "action": "agree_to_issue",
                "appeal_rights": False,
                "next_steps": (
                    "We will write a draft EHC plan and send it to you. You will have 15 days "
                    "to comment on it and to tell us which school or setting you would like."
                ),
            },
            {
                "code": "refuse",
                "label": "Not to issue an EHC plan",
                "action": "refuse_to_issue",
                "appeal_rights": True,
                "next_steps": (
                    "We will send you the information gathered in the assessment so your "
                    "child's school can use it. " + APPEAL
                ),
            },
        ],
    },
    {
        "slug": "placement",
        "name": "Placement",
        "description": "The type of setting and the school or setting to be named (section I).",
        "required_disciplines": ["education", "ep"],
        "decision_fields": ["setting", "funding_band", "transport", "actions"],
        "ready_stages": ["drafting", "draft_with_family", "consulting", "final_issued", "maintained"],
        "outcomes": [
            {
                "code": "agree",
                "label": "Agree the placement",
                "action": "",
                "appeal_rights": False,
                "next_steps": (
                    "We will consult the school or setting about naming it in the plan. You "
                    "can appeal about the school or setting named once the final plan is issued."
                ),
            },
            {
                "code": "decline",
                "label": "Not to agree the placement requested",
                "action": "",
                "appeal_rights": False,
                "next_steps": (
                    "Your caseworker will talk to you about other schools or settings that can "
                    "meet your child's needs. You can appeal about the school or setting named "
                    "once the final plan is issued."
                ),
            },
        ],
    },
    {
        "slug": "ceasing",
        "name": "Ceasing a plan",
        "description": "Whether to stop maintaining an EHC plan (regs 29 to 31).",
        "required_disciplines": ["education", "ep"],
        "decision_fields": ["actions"],
        "ready_stages": ["final_issued", "maintained"],
        "outcomes": [
            {
                "code": "cease",
                "label": "Cease the EHC plan",
                "action": "cease",
                "appeal_rights": True,
                "next_steps": (
                    "If you appeal, we will keep the plan in place until the appeal is decided "
                    "(reg 31). " + APPEAL
                ),
            },
            {
                "code": "maintain",
                "label": "Keep the EHC plan",
                "action": "",
                "appeal_rights": False,
                "next_steps": "The plan stays in place and will be reviewed as usual.",
            },
        ],
    },
]

BANDS = [
    ("A", "Band A", "2000", "Low-level additional support in a mainstream setting."),
    ("B", "Band B", "4500", "Regular targeted support in a mainstream setting."),
    ("C", "Band C", "7500", "Substantial individual support or a resourced provision."),
    ("D", "Band D", "11000", "High needs: specialist provision or intensive support."),
    ("E", "Band E", "16000", "Very high and complex needs."),
]


def seed(apps, schema_editor):
    PanelType = apps.get_model("panels", "PanelType")
    FundingBand = apps.get_model("panels", "FundingBand")
    for spec in PANEL_TYPES:
        PanelType.objects.update_or_create(slug=spec["slug"], defaults=spec)
    for code, name, amount, description in BANDS:
        FundingBand.objects.update_or_create(
            code=code,
            defaults={"name": name, "annual_amount": Decimal(amount), "description": description},
        )


def unseed(apps, schema_editor):
    apps.get_model("panels", "PanelType").objects.filter(
        slug__in=[s["slug"] for s in PANEL_TYPES], meetings__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("panels", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
