package vn.sachxanh.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.collectLatest
import kotlinx.coroutines.flow.filterNotNull
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.sachxanh.core.ApiException
import vn.sachxanh.core.AreaInfo
import vn.sachxanh.core.WordedConflict
import vn.sachxanh.core.Coord
import vn.sachxanh.core.FieldInput
import vn.sachxanh.core.FieldValue
import vn.sachxanh.core.FormField
import vn.sachxanh.core.FormState
import vn.sachxanh.core.HouseholdRow
import vn.sachxanh.core.Input
import vn.sachxanh.core.LadderState
import vn.sachxanh.core.Message
import vn.sachxanh.core.PhotoRef
import vn.sachxanh.core.PhotoStage
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.RecordView
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.SachxanhInterface
import vn.sachxanh.core.SaveOutcome
import vn.sachxanh.core.Shape
import java.time.Clock
import java.time.LocalDate
import java.time.format.DateTimeFormatter
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds

/**
 * One field of a form as the screen draws it: what the core declares (label, input, help,
 * section heading, whether it is shown), the value as the person typed or picked it, and the
 * problems to show under it. Draw it by its [input]; every word comes from the core.
 */
data class FieldState(
    /** The core's name of the field: events name it (`onText(path, …)`). */
    val path: String,
    val label: Message,
    val input: Input,
    val required: Boolean,
    /** A line under the field saying what is meant. */
    val help: Message?,
    /** A heading to draw above this field: it starts a group (kinds of work, participants). */
    val section: Message?,
    /** `false`: not drawn (set by the app, or a ladder's date of a step not reached). */
    val shown: Boolean,
    val value: FieldValue,
    /** The core's words for what is wrong, shown once the person has been at the field or saved. */
    val problems: List<Message> = emptyList(),
    /** Photos / Photo inputs: each photo, being prepared or attached. */
    val photos: List<FormPhoto> = emptyList(),
    /** Place / Point inputs: the place being drawn. */
    val place: PlaceDraft? = null,
    /** Household input: what the chosen household is called. */
    val household: Message? = null,
) {
    /** Text, Count, Quantity, Date, Area, Household, Photo: the text as typed (a date as DD/MM/YYYY). */
    val text: String get() = (value as? FieldValue.Text)?.text.orEmpty()
    val on: Boolean get() = (value as? FieldValue.Flag)?.on ?: false
    val code: String? get() = (value as? FieldValue.Choice)?.code

    /** Lines input: one item per line, as the person typed them. */
    val linesText: String get() = (value as? FieldValue.Lines)?.lines.orEmpty().joinToString("\n")

    /** The photos under one stage (its code from `Input.Photos.stages`). */
    fun photos(stage: String?): List<FormPhoto> = photos.filter { it.stage == stage }

    internal val takesPhotos: Boolean get() = input is Input.Photos || input is Input.Photo
    internal val singlePhoto: Boolean get() = input is Input.Photo
    internal fun stageOrFirst(stage: String?): String? =
        (input as? Input.Photos)?.stages?.let { stages -> stages.firstOrNull { it.code == stage }?.code ?: stages.firstOrNull()?.code }
}

/**
 * What the form holder remembers to decide which of the core's problems to show: those of the
 * fields the person has been at, all of them once a save was tried. Opaque to screens.
 */
class FormMemo internal constructor(
    internal val touched: Set<String> = emptySet(),
    internal val showAll: Boolean = false,
    /** The core's problems from the last check or save, by field path. */
    internal val found: Map<String, List<Message>> = emptyMap(),
    internal val foundGeneral: List<Message> = emptyList(),
    /** A photo the phone could not take, by field path (not the core's record rules). */
    internal val photoErrors: Map<String, Message> = emptyMap(),
    /** A save that failed for another reason than the values (storage). */
    internal val failure: Message? = null,
) {
    internal fun copy(
        touched: Set<String> = this.touched,
        showAll: Boolean = this.showAll,
        found: Map<String, List<Message>> = this.found,
        foundGeneral: List<Message> = this.foundGeneral,
        photoErrors: Map<String, Message> = this.photoErrors,
        failure: Message? = this.failure,
    ) = FormMemo(touched, showAll, found, foundGeneral, photoErrors, failure)

    override fun toString() = "FormMemo(touched=$touched, showAll=$showAll, found=$found, general=$foundGeneral)"
}

sealed interface RecordFormUiState {
    data object Loading : RecordFormUiState

    /** The record (or the household it is about) could not be opened. */
    data class Error(val message: Message) : RecordFormUiState

    data class Editing(
        val kind: RecordKind,
        /** The form's heading: the kind's name. */
        val title: Message,
        /** `null` until the record is first saved. */
        val recordId: String?,
        /** What a saved record is called in lists (`null` for a new one). */
        val recordTitle: Message?,
        /** Every field in order; draw those [FieldState.shown]. */
        val fields: List<FieldState>,
        /** Problems belonging to no field, and a save that failed: shown above the form. */
        val general: List<Message>,
        /** A status ladder (covenant, black spot): where it stands and the next step. */
        val ladder: LadderState?,
        /** The person's areas: the choices of an Area field. */
        val areas: List<AreaInfo>,
        /** The outline of the record's area, for the place editor's map. */
        val outline: List<Coord>,
        /** The person may record this kind; otherwise the form is read only. */
        val mayWrite: Boolean,
        val status: ReviewStatus?,
        val statusLabel: Message?,
        /** Why staff returned or rejected it, shown above the form while fixing it. */
        val reviewerReason: String?,
        val conflicts: List<WordedConflict> = emptyList(),
        /**
         * Households of the area that what is typed resembles (the core's rule): shown before
         * saving so the person can open one instead of recording it twice, or save anyway.
         */
        val similar: List<HouseholdRow> = emptyList(),
        val saving: Boolean = false,
        /** The core is reading what was typed (live feedback); the form stays usable. */
        val checking: Boolean = false,
        /** A photo opened full size, over the form. */
        val viewer: PhotoViewer? = null,
        val memo: FormMemo = FormMemo(),
    ) : RecordFormUiState {
        operator fun get(path: String): FieldState? = fields.firstOrNull { it.path == path }

        /** The record's area (the value of its Area field): the household picker lists this area. */
        val areaId: String get() = fields.firstOrNull { it.input is Input.Area }?.text.orEmpty()

        /** Saving waits until every photo is prepared (a half-made photo has no name yet). */
        val preparingPhotos: Boolean get() = fields.any { f -> f.photos.any { it is FormPhoto.Preparing } }
        val canSave: Boolean get() = mayWrite && !saving && !preparingPhotos

        /** "Move up the ladder" (verified → cleaned → closed …) is offered. */
        val canMoveUp: Boolean get() = mayWrite && !saving && ladder?.next != null
        val hasProblems: Boolean get() = general.isNotEmpty() || fields.any { it.problems.isNotEmpty() }

        internal fun values(): List<FieldInput> = fields.map { FieldInput(it.path, it.value) }
        internal fun attached(): List<FormPhoto.Attached> = fields.flatMap { it.photos }.filterIsInstance<FormPhoto.Attached>()
    }

    /** Saved on the phone (and sent for review if [submitted]); it goes out at the next sync. */
    data class Saved(val id: String, val submitted: Boolean, val record: RecordView) : RecordFormUiState
}

/** The problems each field shows, from what the memo holds. */
internal fun RecordFormUiState.Editing.present(): RecordFormUiState.Editing {
    val m = memo
    return copy(
        fields = fields.map { f ->
            val core = if (m.showAll || f.path in m.touched) m.found[f.path].orEmpty() else emptyList()
            f.copy(problems = core + listOfNotNull(m.photoErrors[f.path]))
        },
        general = (if (m.showAll) m.foundGeneral else emptyList()) + listOfNotNull(m.failure),
    )
}

/** The core's reading of the form: problems, what is shown, the ladder. Values stay as typed. */
internal fun RecordFormUiState.Editing.withFound(form: FormState): RecordFormUiState.Editing {
    val byPath = form.fields.associateBy { it.path }
    return copy(
        fields = fields.map { f -> byPath[f.path]?.let { f.copy(shown = it.shown) } ?: f },
        ladder = form.ladder,
        memo = memo.copy(
            found = form.fields.filter { it.problems.isNotEmpty() }.associate { it.path to it.problems },
            foundGeneral = form.general,
        ),
    ).present()
}

internal fun RecordFormUiState.Editing.mapPhotos(f: (FormPhoto) -> FormPhoto) =
    copy(fields = fields.map { fs -> if (fs.photos.isEmpty()) fs else fs.copy(photos = fs.photos.map(f)) })

/** New photos of a field: its value follows (attached ones only), and its photo message. */
internal fun RecordFormUiState.Editing.withPhotos(path: String, photos: List<FormPhoto>, error: Message?): RecordFormUiState.Editing {
    val errors = if (error == null) memo.photoErrors - path else memo.photoErrors + (path to error)
    return copy(
        fields = fields.map { f -> if (f.path == path) f.copy(photos = photos, value = photoValue(f.input, photos)) else f },
        memo = memo.copy(touched = memo.touched + path, photoErrors = errors),
    ).present()
}

private fun photoValue(input: Input, photos: List<FormPhoto>): FieldValue {
    val attached = photos.filterIsInstance<FormPhoto.Attached>()
    return when (input) {
        is Input.Photo -> FieldValue.Text(attached.firstOrNull()?.sha256.orEmpty())
        else -> FieldValue.Photos(attached.mapNotNull { a -> enumOfCode<PhotoStage>(a.stage)?.let { PhotoRef(a.sha256, it) } })
    }
}

private fun FormField.toState(household: Message?) = FieldState(
    path = path,
    label = label,
    input = input,
    required = required,
    help = help,
    section = section,
    shown = shown,
    value = value,
    photos = when (input) {
        is Input.Photos -> (value as? FieldValue.Photos)?.photos.orEmpty().map { FormPhoto.Attached(it.sha256, it.stage.code()) }
        is Input.Photo -> listOfNotNull((value as? FieldValue.Text)?.text?.takeIf { it.isNotBlank() }?.let { FormPhoto.Attached(it, null) })
        else -> emptyList()
    },
    place = when (input) {
        is Input.Place, is Input.Point -> PlaceDraft.of((value as? FieldValue.Place)?.place)
        else -> null
    },
    household = household,
)

/**
 * The form of any record kind, driven by the core's `FormState`: the core declares the fields
 * (labels, inputs, sections, what is required), reads what was typed (counts "1.200", kilograms
 * "12,5", dates "28/11/2026"), checks it, and says every problem under its field. This holder
 * only keeps what the person typed, asks the core to check it after a pause in typing, saves it,
 * and does the phone's part: photo files, GPS fixes and map taps, the area's outline.
 *
 * Events name a field by its `path`. A photo taken for this form and then removed, or left
 * behind with the form ([abandon]), is forgotten on the phone.
 */
class RecordFormViewModel(
    private val core: SachxanhInterface,
    private val clock: Clock,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
    val kind: RecordKind,
    /** `null` for a new record. */
    private val recordId: String? = null,
    /** Where a new record starts: the area the person came from; their first area otherwise. */
    private val areaId: String? = null,
    /** A new record about this household (a sorting check started from the household). */
    private val householdId: String? = null,
    /**
     * Outlives the screen (the app's scope): preparing and forgetting photos must finish after
     * the person has left the form, when the screen's own [scope] is already cancelled.
     */
    photoScope: CoroutineScope = scope,
    /** Typing pauses this long before the core checks it: one check per word, not per letter. */
    private val checkPause: Duration = 600.milliseconds,
) {
    private val _state = MutableStateFlow<RecordFormUiState>(RecordFormUiState.Loading)
    val state: StateFlow<RecordFormUiState> = _state.asStateFlow()

    private data class CheckRequest(val pause: Boolean, val generation: Long)

    private val checks = MutableStateFlow<CheckRequest?>(null)

    private val photoDesk = PhotoDesk(_state, core, io, scope, photoScope) { requestCheck(pause = false) }

    init {
        scope.launch { load() }
        scope.launch {
            checks.filterNotNull().collectLatest { r ->
                if (r.pause) delay(checkPause)
                check()
            }
        }
    }

    private suspend fun load() {
        val loaded = io.core {
            val caps = core.capabilities()
            val areas = caps?.areas.orEmpty()
            val view = recordId?.let { core.record(it) }
            val form = if (recordId != null) {
                core.form(recordId)
            } else {
                // A household's check belongs to the household's area.
                val start = areaId
                    ?: householdId?.let { h -> core.form(h).fields.firstOrNull { it.input is Input.Area }?.value?.let { (it as? FieldValue.Text)?.text } }
                    ?: areas.firstOrNull()?.id.orEmpty()
                core.newForm(kind, start)
            }
            val fields = form.fields.map { f ->
                val preset = householdId?.takeIf { recordId == null && f.input is Input.Household }
                val chosen = preset ?: (f.value as? FieldValue.Text)?.text?.takeIf { f.input is Input.Household && it.isNotBlank() }
                // A preset household must be on the phone; a stored one may be missing (its name is then unknown).
                val name = when {
                    preset != null -> core.record(preset).title
                    chosen != null -> runCatching { core.record(chosen).title }.getOrNull()
                    else -> null
                }
                f.toState(name).let { if (preset != null) it.copy(value = FieldValue.Text(preset)) else it }
            }
            val area = fields.firstOrNull { it.input is Input.Area }?.text ?: areaId.orEmpty()
            RecordFormUiState.Editing(
                kind = kind,
                title = form.title,
                recordId = recordId,
                recordTitle = view?.title,
                fields = fields,
                general = form.general,
                ladder = form.ladder,
                areas = areas,
                outline = core.areaOutline(area),
                mayWrite = caps?.kinds?.firstOrNull { it.kind == kind }?.mayWrite == true,
                status = view?.status,
                statusLabel = view?.statusLabel,
                reviewerReason = view?.reason,
                conflicts = view?.conflicts.orEmpty(),
            )
        }
        _state.value = when (loaded) {
            is Outcome.Ok -> loaded.value
            is Outcome.Failed -> RecordFormUiState.Error(loaded.error.message)
        }
        if (loaded is Outcome.Ok) {
            val shas = loaded.value.attached().map { it.sha256 }
            photoDesk.savedPhotos = shas.toSet()
            photoDesk.loadPreviews(shas)
        }
    }

    private var generation = 0L

    /** Asks the core to check the form: after [checkPause] when typing, at once for a tap. */
    private fun requestCheck(pause: Boolean) {
        checks.value = CheckRequest(pause, synchronized(this) { ++generation })
    }

    private suspend fun check() {
        val s = _state.value as? RecordFormUiState.Editing ?: return
        if (s.saving || !s.mayWrite) return
        val values = s.values()
        _state.update { (it as? RecordFormUiState.Editing)?.copy(checking = true) ?: it }
        val checked = io.core {
            core.checkForm(kind, s.recordId, s.areaId, values) to core.similarHouseholds(kind, s.recordId, s.areaId, values)
        }
        _state.update { cur ->
            if (cur !is RecordFormUiState.Editing || cur.saving) return@update cur
            // Typed meanwhile: a newer check reads that.
            if (cur.values() != values) return@update cur
            when (checked) {
                is Outcome.Ok -> cur.withFound(checked.value.first).copy(checking = false, similar = checked.value.second)
                // Not being able to check is no reason to stop typing; saving says what is wrong.
                is Outcome.Failed -> cur.copy(checking = false)
            }
        }
    }

    /** Changes one field; [pause]: typing (checked after a pause), not a tap (checked at once). */
    private fun edit(path: String, pause: Boolean, change: (FieldState) -> FieldState) {
        var changed = false
        _state.update { s ->
            changed = false
            val e = s as? RecordFormUiState.Editing
            val f = e?.get(path)
            if (e == null || f == null || e.saving || !e.mayWrite) return@update s
            val g = change(f)
            if (g == f) return@update s
            changed = true
            e.copy(fields = e.fields.map { if (it.path == path) g else it }, memo = e.memo.copy(touched = e.memo.touched + path)).present()
        }
        if (changed) requestCheck(pause)
    }

    /**
     * Text typed or picked for a Text, Count, Quantity, Date, Area or Household field: the core
     * reads it (a count "1.200", kilograms "12,5", a date "28/11/2026").
     */
    fun onText(path: String, text: String) {
        val input = (state.value as? RecordFormUiState.Editing)?.get(path)?.input ?: return
        val typed = input !is Input.Area && input !is Input.Household
        edit(path, pause = typed) { it.copy(value = FieldValue.Text(text)) }
        if (input is Input.Area) loadOutline(text)
    }

    /** A day picked in a date picker, written the way the core reads it (DD/MM/YYYY). */
    fun onDatePicked(path: String, date: LocalDate) = edit(path, pause = false) { it.copy(value = FieldValue.Text(date.format(DAY))) }

    fun onFlag(path: String, on: Boolean) = edit(path, pause = false) { it.copy(value = FieldValue.Flag(on)) }

    /** One of the field's `Input.Choice.options` (its code); `null` clears it. */
    fun onChoice(path: String, code: String?) = edit(path, pause = false) { it.copy(value = FieldValue.Choice(code)) }

    /** A Lines field typed as text, one item per line (blank lines are dropped by the core). */
    fun onLinesText(path: String, text: String) = edit(path, pause = true) { it.copy(value = FieldValue.Lines(text.split('\n'))) }

    fun onLines(path: String, lines: List<String>) = edit(path, pause = true) { it.copy(value = FieldValue.Lines(lines)) }

    /** A household picked (from [HouseholdsViewModel] opened on the form's [RecordFormUiState.Editing.areaId]). */
    fun pickHousehold(path: String, householdId: String) {
        edit(path, pause = false) { it.copy(value = FieldValue.Text(householdId), household = null) }
        scope.launch {
            val title = io.core { core.record(householdId).title }
            if (title is Outcome.Ok) {
                _state.update { s ->
                    val e = s as? RecordFormUiState.Editing
                    if (e == null || e[path]?.text != householdId) s else e.copy(fields = e.fields.map { if (it.path == path) it.copy(household = title.value) else it })
                }
            }
        }
    }

    private fun loadOutline(area: String) {
        scope.launch {
            val outline = io.core { core.areaOutline(area) }
            if (outline is Outcome.Ok) {
                _state.update { s -> if (s is RecordFormUiState.Editing && s.areaId == area) s.copy(outline = outline.value) else s }
            }
        }
    }

    private fun editPlace(path: String, change: (PlaceDraft) -> PlaceDraft) = edit(path, pause = true) { f ->
        val draft = f.place ?: return@edit f
        val next = change(draft).let { if (f.input is Input.Point) it.withShape(Shape.POINT) else it }
        f.copy(place = next, value = FieldValue.Place(next.toPlace()))
    }

    /** One of the field's `Input.Place.shapes` (its code): point, line or polygon. */
    fun onShape(path: String, code: String) {
        val shape = enumOfCode<Shape>(code) ?: return
        editPlace(path) { it.withShape(shape) }
    }

    /** A fix from the phone's GPS (LocationManager / CoreLocation): the person is at the place. */
    fun onGpsFix(path: String, lon: Double, lat: Double, accuracyM: Float?) = editPlace(path) { it.withGpsFix(lon, lat, accuracyM) }

    /** A tap on the map over the area's [RecordFormUiState.Editing.outline]. */
    fun onMapTap(path: String, lon: Double, lat: Double) = editPlace(path) { it.withMapTap(lon, lat) }

    fun undoLastPoint(path: String) = editPlace(path) { it.withoutLastPoint() }
    fun clearPlace(path: String) = editPlace(path) { it.cleared() }

    /**
     * A photo from the camera or the gallery, as a file the shell wrote ([file]), for the field
     * at [path], under [stage] (a code of its `Input.Photos.stages`; ignored by a Photo field).
     * The core scales and re-encodes it and keeps it on the phone; a file that is not a photo
     * is said under the field.
     */
    fun addPhoto(path: String, file: String, stage: String? = null) = photoDesk.add(path, file, stage)

    /** Takes a photo out of the form; one only this form used is forgotten on the phone. */
    fun removePhoto(key: String) = photoDesk.remove(key)

    /** Opens a photo full size: from the phone, or downloaded when someone else took it. */
    fun openPhoto(sha256: String) = photoDesk.view(sha256)

    /** "Thử lại" in the viewer, e.g. once there is a network again. */
    fun retryPhoto() = photoDesk.retry()

    fun closePhoto() = photoDesk.close()

    /**
     * The next step of the ladder (reported → verified → cleaned → closed): sets the status to
     * the core's `ladder.next` and, when still blank, that step's date to today (the person can
     * correct it). The core then says what the step needs (an after photo once cleaned).
     */
    fun moveUp() {
        var moved = false
        _state.update { s ->
            moved = false
            val e = s as? RecordFormUiState.Editing
            val ladder = e?.ladder
            val next = ladder?.next
            if (e == null || next == null || !e.canMoveUp) return@update s
            moved = true
            val today = LocalDate.now(clock).format(DAY)
            val fields = e.fields.map { f ->
                when {
                    f.path == ladder.statusPath -> f.copy(value = FieldValue.Choice(next.code))
                    f.path == ladder.nextDatePath && f.text.isBlank() -> f.copy(value = FieldValue.Text(today), shown = true)
                    else -> f
                }
            }
            // The step after this one is the core's to say: none is offered until it is checked.
            e.copy(
                fields = fields,
                ladder = ladder.copy(current = next, next = null, nextDatePath = null),
                memo = e.memo.copy(touched = e.memo.touched + listOfNotNull(ladder.statusPath, ladder.nextDatePath)),
            ).present()
        }
        if (moved) requestCheck(pause = false)
    }

    private sealed interface Done {
        data class Problems(val form: FormState) : Done
        data class Saved(val record: RecordView) : Done

        /** Saved, but the core would not send it for review. */
        data class NotSubmitted(val record: RecordView, val error: CoreError) : Done
    }

    /**
     * Saves on the phone (a draft, or the edit) and, with [submit], sends it for review. Every
     * problem is then shown, each under its field. Does nothing while photos are being prepared.
     */
    fun save(submit: Boolean) {
        var started: RecordFormUiState.Editing? = null
        _state.update { s ->
            started = null
            val e = s as? RecordFormUiState.Editing
            if (e == null || !e.canSave) return@update s
            started = e
            e.copy(saving = true, memo = e.memo.copy(showAll = true, failure = null)).present()
        }
        val e = started ?: return
        val values = e.values()
        scope.launch {
            val done = io.core {
                when (val out = core.saveForm(kind, e.recordId, e.areaId, values)) {
                    is SaveOutcome.Problems -> Done.Problems(out.form)
                    is SaveOutcome.Saved -> if (!submit) {
                        Done.Saved(out.record)
                    } else {
                        try {
                            core.submit(out.record.id)
                            Done.Saved(core.record(out.record.id))
                        } catch (x: ApiException) {
                            Done.NotSubmitted(out.record, x.toCoreError())
                        }
                    }
                }
            }
            if (done is Outcome.Ok && done.value !is Done.Problems) photoDesk.savedPhotos = e.attached().map { it.sha256 }.toSet()
            _state.update { s ->
                // From the current state, not the one before saving: a thumbnail or the viewer
                // may have loaded meanwhile.
                val cur = (s as? RecordFormUiState.Editing) ?: e
                when (done) {
                    is Outcome.Failed -> cur.failed(done.error)
                    is Outcome.Ok -> when (val d = done.value) {
                        is Done.Problems -> cur.copy(saving = false).withFound(d.form)
                        is Done.Saved -> RecordFormUiState.Saved(d.record.id, submit, d.record)
                        is Done.NotSubmitted -> cur.copy(recordId = d.record.id, status = d.record.status, statusLabel = d.record.statusLabel).failed(d.error)
                    }
                }
            }
        }
    }

    /** A failed save or submit: problems naming a field go under it, the rest above the form. */
    private fun RecordFormUiState.Editing.failed(error: CoreError): RecordFormUiState.Editing {
        val paths = fields.map { it.path }.toSet()
        val problems = (error as? CoreError.Invalid)?.problems.orEmpty()
        val placed = problems.filter { it.field in paths }
        val failure = if (problems.isNotEmpty() && placed.size == problems.size) null else error.words()
        return copy(
            saving = false,
            memo = memo.copy(
                found = placed.groupBy({ it.field }, { it.message }),
                foundGeneral = emptyList(),
                failure = failure,
            ),
        ).present()
    }

    /**
     * The person left the form without saving it (back, or the screen closed): the photos taken
     * for it are forgotten. Does nothing once saved.
     */
    fun abandon() = photoDesk.abandon()

    private companion object {
        /** How the core writes a day in a form, and reads it back. */
        val DAY: DateTimeFormatter = DateTimeFormatter.ofPattern("dd/MM/yyyy")
    }
}
