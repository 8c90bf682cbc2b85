package vn.sachxanh.app.ui

import androidx.annotation.StringRes
import vn.sachxanh.app.R
import vn.sachxanh.core.CovenantStatus
import vn.sachxanh.core.PhotoStage
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.Role
import vn.sachxanh.core.SpotKind
import vn.sachxanh.core.SpotStatus
import vn.sachxanh.state.Organisation
import vn.sachxanh.state.SortingAnswer
import vn.sachxanh.state.TodoReason
import vn.sachxanh.state.WorkKind

// Labels of the core's and the state layer's values; the words live in res/values*/strings.xml.

@Suppress("REDUNDANT_ELSE_IN_WHEN")
@StringRes
fun RecordKind.label(): Int = when (this) {
    RecordKind.HOUSEHOLD -> R.string.kind_household
    RecordKind.SORTING_CHECK -> R.string.kind_sorting_check
    RecordKind.CLEANUP -> R.string.kind_cleanup
    RecordKind.COVENANT -> R.string.kind_covenant
    RecordKind.COLLECTION_POINT -> R.string.kind_collection_point
    RecordKind.BLACK_SPOT -> R.string.kind_black_spot
    RecordKind.BRIEFING -> R.string.kind_briefing
    RecordKind.SELF_MANAGED_MODEL -> R.string.kind_self_managed_model
    RecordKind.REVIEW -> R.string.kind_review
    // The core keeps gaining kinds; an older app still lists them.
    else -> R.string.kind_other
}

@Suppress("REDUNDANT_ELSE_IN_WHEN")
@StringRes
fun ReviewStatus.label(): Int = when (this) {
    ReviewStatus.DRAFT -> R.string.status_draft
    ReviewStatus.AWAITING_REVIEW -> R.string.status_awaiting_review
    ReviewStatus.APPROVED -> R.string.status_approved
    ReviewStatus.RETURNED -> R.string.status_returned
    ReviewStatus.REJECTED -> R.string.status_rejected
    ReviewStatus.CHANGED_SINCE_APPROVAL -> R.string.status_changed_since_approval
    else -> R.string.status_other
}

@Suppress("REDUNDANT_ELSE_IN_WHEN")
@StringRes
fun CovenantStatus?.label(): Int = when (this) {
    null -> R.string.covenant_not_recorded
    CovenantStatus.NOT_STARTED -> R.string.covenant_not_started
    CovenantStatus.DRAFTING -> R.string.covenant_drafting
    CovenantStatus.CONSULTATION -> R.string.covenant_consultation
    CovenantStatus.APPROVED -> R.string.covenant_approved
    CovenantStatus.IN_FORCE -> R.string.covenant_in_force
    else -> R.string.status_other
}

@Suppress("REDUNDANT_ELSE_IN_WHEN")
@StringRes
fun Role.label(): Int = when (this) {
    Role.VOLUNTEER -> R.string.role_volunteer
    Role.AREA_HEAD -> R.string.role_area_head
    Role.COMMUNE_STAFF -> R.string.role_commune_staff
    Role.PROVINCE_VIEWER -> R.string.role_province_viewer
    else -> R.string.status_other
}

@StringRes
fun TodoReason.label(): Int = when (this) {
    TodoReason.DRAFT -> R.string.todo_draft
    TodoReason.RETURNED -> R.string.todo_returned
    TodoReason.CONFLICT -> R.string.todo_conflict
    TodoReason.OTHER -> R.string.todo_other
}

@StringRes
fun SortingAnswer.label(): Int = when (this) {
    SortingAnswer.RECYCLABLE_SORTED -> R.string.answer_recyclable_sorted
    SortingAnswer.FOOD_SORTED -> R.string.answer_food_sorted
    SortingAnswer.OTHER_SORTED -> R.string.answer_other_sorted
    SortingAnswer.HAZARDOUS_SEPARATED -> R.string.answer_hazardous_separated
    SortingAnswer.SERVED_BY_COLLECTION -> R.string.answer_served_by_collection
    SortingAnswer.BURNING_SEEN -> R.string.answer_burning_seen
    SortingAnswer.DUMPING_SEEN -> R.string.answer_dumping_seen
}

@StringRes
fun Organisation.label(): Int = when (this) {
    Organisation.FATHERLAND_FRONT -> R.string.org_fatherland_front
    Organisation.WOMENS_UNION -> R.string.org_womens_union
    Organisation.YOUTH_UNION -> R.string.org_youth_union
    Organisation.FARMERS_UNION -> R.string.org_farmers_union
    Organisation.VETERANS -> R.string.org_veterans
    Organisation.RESIDENTS -> R.string.org_residents
    Organisation.OTHER -> R.string.org_other
}

@StringRes
fun WorkKind.label(): Int = when (this) {
    WorkKind.SWEEPING -> R.string.work_sweeping
    WorkKind.WATERWAYS -> R.string.work_waterways
    WorkKind.DRAINS -> R.string.work_drains
    WorkKind.TREES -> R.string.work_trees
}

@Suppress("REDUNDANT_ELSE_IN_WHEN")
@StringRes
fun PhotoStage.label(): Int = when (this) {
    PhotoStage.BEFORE -> R.string.photo_stage_before
    PhotoStage.AFTER -> R.string.photo_stage_after
    else -> R.string.photo_stage_other
}

@Suppress("REDUNDANT_ELSE_IN_WHEN")
@StringRes
fun SpotKind.label(): Int = when (this) {
    SpotKind.SPONTANEOUS_DUMP -> R.string.spot_kind_spontaneous_dump
    SpotKind.POLLUTION_SPOT -> R.string.spot_kind_pollution_spot
    SpotKind.BURNING -> R.string.spot_kind_burning
    SpotKind.VIOLATION -> R.string.spot_kind_violation
    else -> R.string.status_other
}

@Suppress("REDUNDANT_ELSE_IN_WHEN")
@StringRes
fun SpotStatus.label(): Int = when (this) {
    SpotStatus.REPORTED -> R.string.spot_status_reported
    SpotStatus.VERIFIED -> R.string.spot_status_verified
    SpotStatus.CLEANED -> R.string.spot_status_cleaned
    SpotStatus.CLOSED -> R.string.spot_status_closed
    else -> R.string.status_other
}

/** The date each step of a black spot's ladder needs. */
@Suppress("REDUNDANT_ELSE_IN_WHEN")
@StringRes
fun SpotStatus.dateLabel(): Int = when (this) {
    SpotStatus.REPORTED -> R.string.field_reported_date
    SpotStatus.VERIFIED -> R.string.field_verified_date
    SpotStatus.CLEANED -> R.string.field_cleaned_date
    SpotStatus.CLOSED -> R.string.field_closed_date
    else -> R.string.choose_date
}
