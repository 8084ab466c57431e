from __future__ import annotations

from django.contrib import admin

from cases.schools.models import (
    ProvisionConfirmation,
    ReviewContribution,
    ReviewInvitation,
    SchoolAlert,
    SchoolReview,
)


@admin.register(SchoolReview)
class SchoolReviewAdmin(admin.ModelAdmin):
    list_display = ["review", "setting", "papers_circulated_on", "report_sent_on"]
    raw_id_fields = ["review", "case", "setting", "arranged_by", "report_sent_by"]
    search_fields = ["case__reference"]


@admin.register(ReviewInvitation)
class ReviewInvitationAdmin(admin.ModelAdmin):
    list_display = ["school_review", "kind", "name", "sent_on"]
    raw_id_fields = ["school_review", "recipient"]


@admin.register(ReviewContribution)
class ReviewContributionAdmin(admin.ModelAdmin):
    list_display = ["school_review", "author", "author_role", "submitted_at"]
    raw_id_fields = ["school_review", "author"]


@admin.register(ProvisionConfirmation)
class ProvisionConfirmationAdmin(admin.ModelAdmin):
    list_display = ["case", "item_id", "term", "party", "status", "confirmed_at"]
    list_filter = ["party", "status", "term"]
    raw_id_fields = ["case", "plan", "confirmed_by"]
    search_fields = ["case__reference"]


@admin.register(SchoolAlert)
class SchoolAlertAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "case", "raised_on"]
    list_filter = ["kind"]
    raw_id_fields = ["case", "task"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a record of what was raised
