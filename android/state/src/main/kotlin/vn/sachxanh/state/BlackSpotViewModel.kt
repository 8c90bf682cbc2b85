package vn.sachxanh.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.sachxanh.core.AreaInfo
import vn.sachxanh.core.BlackSpot
import vn.sachxanh.core.PhotoStage
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.SachxanhInterface
import vn.sachxanh.core.Shape
import vn.sachxanh.core.SpotKind
import vn.sachxanh.core.SpotStatus
import java.time.Clock
import java.time.LocalDate

enum class BlackSpotField {
    AREA, KIND, PLACE, DESCRIPTION, STATUS,
    REPORTED_DATE, VERIFIED_DATE, CLEANED_DATE, CLOSED_DATE,
    /** Before and after; "an after photo once cleaned", a file that is not a photo. */
    PHOTOS,
    NOTE,
}

/** The ladder's steps in order, each with the date field it needs (DOMAIN.md). */
val SpotStatus.dateField: BlackSpotField
    get() = when (this) {
        SpotStatus.REPORTED -> BlackSpotField.REPORTED_DATE
        SpotStatus.VERIFIED -> BlackSpotField.VERIFIED_DATE
        SpotStatus.CLEANED -> BlackSpotField.CLEANED_DATE
        SpotStatus.CLOSED -> BlackSpotField.CLOSED_DATE
    }

data class BlackSpotForm(
    val areaId: String,
    val kind: SpotKind = SpotKind.SPONTANEOUS_DUMP,
    /** Usually one point: where the pile or the fire is. */
    val place: PlaceDraft = PlaceDraft(),
    val description: String = "",
    val status: SpotStatus = SpotStatus.REPORTED,
    /** `YYYY-MM-DD` per step of the ladder, as typed; blank when not reached. */
    val dates: Map<SpotStatus, String> = emptyMap(),
    /** Before (as reported) and after (once cleaned), in the order they were added. */
    val photos: List<FormPhoto> = emptyList(),
    val note: String = "",
) {
    fun date(step: SpotStatus): String = dates[step].orEmpty()
}

sealed interface BlackSpotUiState {
    data object Loading : BlackSpotUiState

    data class Error(val message: UserText) : BlackSpotUiState

    data class Editing(
        val form: BlackSpotForm,
        val areas: List<AreaInfo>,
        val errors: FieldErrors<BlackSpotField> = FieldErrors(),
        val saving: Boolean = false,
        val recordId: String? = null,
        val status: ReviewStatus? = null,
        val reviewerReason: String? = null,
        /** A photo opened full size, over the form. */
        val viewer: PhotoViewer? = null,
    ) : BlackSpotUiState {
        val preparingPhotos: Boolean get() = form.photos.any { it is FormPhoto.Preparing }
        val canSave: Boolean get() = !saving && !preparingPhotos

        /** The step after the current one, for "Đã xác minh / Đã thu dọn / Đã xử lý dứt điểm". */
        val nextStep: SpotStatus? get() = SpotStatus.entries.getOrNull(form.status.ordinal + 1)

        fun photos(stage: PhotoStage): List<FormPhoto> = form.photos.filter { it.stage == stage }
    }

    data class Saved(val id: String, val submitted: Boolean) : BlackSpotUiState
}

/**
 * The black spot form: a spontaneous dump, a polluted spot, burning or another violation seen by
 * a resident or volunteer — kind, place (GPS fix or map taps), what was seen, photos before — and,
 * opened again, its way up the ladder (verified → cleaned → closed, each with its date; an after
 * photo once cleaned). The core judges every rule; photos and place are the cleanup form's
 * ([PhotoDesk], [PlaceDraft]).
 */
class BlackSpotViewModel(
    private val core: SachxanhInterface,
    private val clock: Clock,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
    private val spotId: String? = null,
    /** The area to start with (the one the person came from); the first of theirs otherwise. */
    private val areaId: String? = null,
    /** Outlives the screen: see [CleanupViewModel]. */
    private val photoScope: CoroutineScope = scope,
) {
    private val _state = MutableStateFlow<BlackSpotUiState>(BlackSpotUiState.Loading)
    val state: StateFlow<BlackSpotUiState> = _state.asStateFlow()

    private val photoDesk = PhotoDesk(
        _state,
        object : PhotoLens<BlackSpotUiState> {
            override fun part(s: BlackSpotUiState) =
                (s as? BlackSpotUiState.Editing)?.let { PhotoPart(it.form.photos, it.errors[BlackSpotField.PHOTOS], it.viewer, it.saving) }

            override fun with(s: BlackSpotUiState, part: PhotoPart): BlackSpotUiState {
                if (s !is BlackSpotUiState.Editing) return s
                val errors = s.errors.set(BlackSpotField.PHOTOS, part.error)
                return s.copy(form = s.form.copy(photos = part.photos), errors = errors, viewer = part.viewer)
            }

            override fun isSaved(s: BlackSpotUiState) = s is BlackSpotUiState.Saved
        },
        core, io, scope, photoScope,
    )

    init {
        scope.launch { load() }
    }

    private fun today(): String = LocalDate.now(clock).toString()

    private suspend fun load() {
        val loaded = io.core {
            val areas = core.me()?.areas.orEmpty()
            if (spotId == null) {
                BlackSpotUiState.Editing(
                    form = BlackSpotForm(
                        areaId = areaId ?: areas.firstOrNull()?.id.orEmpty(),
                        dates = mapOf(SpotStatus.REPORTED to today()),
                    ),
                    areas = areas,
                )
            } else {
                val view = core.blackSpot(spotId)
                photoDesk.savedPhotos = view.value.photos.map { it.sha256 }.toSet()
                BlackSpotUiState.Editing(
                    form = formOf(view.value),
                    areas = areas,
                    recordId = view.id,
                    status = view.status,
                    reviewerReason = view.reason,
                )
            }
        }
        _state.value = when (loaded) {
            is Outcome.Ok -> loaded.value
            is Outcome.Failed -> BlackSpotUiState.Error(loaded.error.message)
        }
        if (loaded is Outcome.Ok) {
            photoDesk.loadPreviews(loaded.value.form.photos.filterIsInstance<FormPhoto.Attached>().map { it.sha256 })
        }
    }

    private fun edit(change: (BlackSpotForm) -> BlackSpotForm) = _state.update { s ->
        if (s is BlackSpotUiState.Editing && !s.saving) s.copy(form = change(s.form)) else s
    }

    fun onAreaChanged(areaId: String) = edit { it.copy(areaId = areaId) }
    fun onKindChanged(kind: SpotKind) = edit { it.copy(kind = kind) }
    fun onDescriptionChanged(text: String) = edit { it.copy(description = text) }
    fun onNoteChanged(text: String) = edit { it.copy(note = text) }

    /**
     * Moves the spot to [status] (up or back down the ladder). A step reached today is the usual
     * case, so a blank date of a reached step is filled with today; the person can correct it.
     */
    fun onStatusChanged(status: SpotStatus) = edit { f ->
        val filled = SpotStatus.entries.filter { it <= status && f.date(it).isBlank() }.associateWith { today() }
        f.copy(status = status, dates = f.dates + filled)
    }

    fun onDateChanged(step: SpotStatus, isoDate: String) = edit { it.copy(dates = it.dates + (step to isoDate)) }

    fun onShapeChanged(shape: Shape) = edit { it.copy(place = it.place.withShape(shape)) }

    /** A fix from the phone's GPS: the person is standing at the spot. */
    fun onGpsFix(lon: Double, lat: Double, accuracyM: Float?) = edit { it.copy(place = it.place.withGpsFix(lon, lat, accuracyM)) }

    fun onMapTap(lon: Double, lat: Double) = edit { it.copy(place = it.place.withMapTap(lon, lat)) }
    fun undoLastPoint() = edit { it.copy(place = it.place.withoutLastPoint()) }
    fun clearPlace() = edit { it.copy(place = it.place.cleared()) }

    /** A camera or gallery file: before as reported, after once cleaned. */
    fun addPhoto(path: String, stage: PhotoStage) = photoDesk.add(path, stage)
    fun removePhoto(key: String) = photoDesk.remove(key)
    fun openPhoto(sha256: String) = photoDesk.view(sha256)
    fun retryPhoto() = photoDesk.retry()
    fun closePhoto() = photoDesk.close()

    /** Left without saving: the photos taken for it are forgotten on the phone. */
    fun abandon() = photoDesk.abandon()

    fun save(submit: Boolean) {
        val editing = _state.value as? BlackSpotUiState.Editing ?: return
        if (!editing.canSave) return
        val f = editing.form
        // Steps above the status are not sent: a date typed and then stepped back from is not a fact.
        fun dateOf(step: SpotStatus): String? = f.date(step).trim().takeIf { step <= f.status && it.isNotEmpty() }
        val value = BlackSpot(
            areaId = f.areaId,
            spotKind = f.kind,
            place = f.place.toPlace(),
            description = f.description,
            status = f.status,
            // Required by the record's type: blank goes to the core, which says it under the field.
            reportedDate = f.date(SpotStatus.REPORTED).trim(),
            verifiedDate = dateOf(SpotStatus.VERIFIED),
            cleanedDate = dateOf(SpotStatus.CLEANED),
            closedDate = dateOf(SpotStatus.CLOSED),
            photos = f.photos.refs(),
            note = f.note,
        )
        _state.value = editing.copy(saving = true)
        scope.launch {
            val saved = io.saveRecord(
                core, editing.recordId, submit,
                { core.createBlackSpot(value) },
                { core.updateBlackSpot(it, value) },
            )
            _state.update { s ->
                when (saved) {
                    is Outcome.Ok -> BlackSpotUiState.Saved(saved.value, submit)
                    // From the current state: a thumbnail or the viewer may have loaded meanwhile.
                    is Outcome.Failed -> ((s as? BlackSpotUiState.Editing) ?: editing).copy(
                        saving = false,
                        errors = when (val e = saved.error) {
                            is CoreError.Invalid -> FieldErrors.of(e.problems, ::fieldOf)
                            else -> FieldErrors(general = listOf(e.message))
                        },
                    )
                }
            }
        }
    }

    private fun fieldOf(path: String): BlackSpotField? = when (path.head()) {
        "area_id" -> BlackSpotField.AREA
        "spot_kind" -> BlackSpotField.KIND
        "place" -> BlackSpotField.PLACE
        "description" -> BlackSpotField.DESCRIPTION
        "status" -> BlackSpotField.STATUS
        "reported_date" -> BlackSpotField.REPORTED_DATE
        "verified_date" -> BlackSpotField.VERIFIED_DATE
        "cleaned_date" -> BlackSpotField.CLEANED_DATE
        "closed_date" -> BlackSpotField.CLOSED_DATE
        "photo", "photos" -> BlackSpotField.PHOTOS
        "note" -> BlackSpotField.NOTE
        // "date" (a malformed day, the FFI does not say which of the four) stays above the form.
        else -> null
    }

    private fun formOf(b: BlackSpot) = BlackSpotForm(
        areaId = b.areaId,
        kind = b.spotKind,
        place = PlaceDraft.of(b.place),
        description = b.description,
        status = b.status,
        dates = mapOf(
            SpotStatus.REPORTED to b.reportedDate,
            SpotStatus.VERIFIED to b.verifiedDate,
            SpotStatus.CLEANED to b.cleanedDate,
            SpotStatus.CLOSED to b.closedDate,
        ).filterValues { it != null }.mapValues { it.value!! },
        photos = b.photos.map { FormPhoto.Attached(it.sha256, it.stage) },
        note = b.note,
    )
}
