package vn.sachxanh.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.selection.selectableGroup
import androidx.compose.foundation.selection.toggleable
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.DateRange
import androidx.compose.material3.Checkbox
import androidx.compose.material3.DatePicker
import androidx.compose.material3.DatePickerDialog
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.rememberDatePickerState
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import vn.sachxanh.core.Choice
import vn.sachxanh.core.Input
import vn.sachxanh.state.FieldState
import vn.sachxanh.state.RecordFormUiState
import java.time.Instant
import java.time.LocalDate
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter

/** The field's label as shown: the core's words, and a mark when it must be filled. */
@Composable
fun FieldState.labelText(): String = label.show() + if (required) " *" else ""

/** One field, drawn by its input. */
@Suppress("REDUNDANT_ELSE_IN_WHEN")
@Composable
fun FieldView(f: FieldState, form: RecordFormUiState.Editing, editable: Boolean, events: FormEvents, photos: PhotoSource) {
    when (val input = f.input) {
        is Input.Text -> TextInput(f, editable, events, multiline = input.multiline)
        is Input.Count -> TextInput(f, editable, events, keyboard = KeyboardType.Number)
        is Input.Quantity -> TextInput(f, editable, events, keyboard = KeyboardType.Decimal, unit = input.unit.show())
        is Input.Date -> DateInput(f, editable, events)
        is Input.Flag -> FlagInput(f, editable, events)
        is Input.Choice -> ChoiceInput(f, input.options, editable) { events.onChoice(f.path, it) }
        is Input.Area -> AreaInput(f, form, editable, events)
        is Input.Household -> HouseholdInput(f, form, editable, events)
        is Input.Place -> PlaceInput(f, form, input.shapes, editable, events)
        is Input.Point -> PlaceInput(f, form, emptyList(), editable, events)
        is Input.Photos -> PhotosInput(f, input.stages, editable, events, photos)
        is Input.Photo -> PhotosInput(f, emptyList(), editable, events, photos)
        is Input.Lines -> LinesInput(f, editable, events)
        // An input this app version does not know yet: its value as text, read only.
        else -> TextInput(f, editable = false, events)
    }
}

/** The problems under a field (the core's words), and its help. */
@Composable
private fun FieldNotes(f: FieldState) {
    f.problems.forEach { Text(it.show(), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium) }
    f.help?.let { Text(it.show(), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant) }
}

@Composable
private fun FieldLabel(f: FieldState) {
    Text(f.labelText(), style = MaterialTheme.typography.labelLarge, modifier = Modifier.padding(top = 8.dp))
}

@Composable
private fun TextInput(
    f: FieldState,
    editable: Boolean,
    events: FormEvents,
    multiline: Boolean = false,
    keyboard: KeyboardType = KeyboardType.Text,
    unit: String? = null,
) {
    OutlinedTextField(
        value = f.text,
        onValueChange = { events.onText(f.path, it) },
        label = { Text(f.labelText()) },
        isError = f.problems.isNotEmpty(),
        supportingText = if (f.problems.isEmpty() && f.help == null) null else ({ Column { FieldNotes(f) } }),
        suffix = unit?.let { u -> { Text(u) } },
        enabled = editable,
        singleLine = !multiline,
        minLines = if (multiline) 3 else 1,
        keyboardOptions = KeyboardOptions(keyboardType = keyboard),
        modifier = Modifier.fillMaxWidth(),
    )
}

@Composable
private fun LinesInput(f: FieldState, editable: Boolean, events: FormEvents) {
    OutlinedTextField(
        value = f.linesText,
        onValueChange = { events.onLinesText(f.path, it) },
        label = { Text(f.labelText()) },
        isError = f.problems.isNotEmpty(),
        supportingText = if (f.problems.isEmpty() && f.help == null) null else ({ Column { FieldNotes(f) } }),
        enabled = editable,
        minLines = 3,
        modifier = Modifier.fillMaxWidth(),
    )
}

private val DAY: DateTimeFormatter = DateTimeFormatter.ofPattern("dd/MM/yyyy")

/** A day, typed as DD/MM/YYYY (the core reads it) or picked from a calendar. */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
private fun DateInput(f: FieldState, editable: Boolean, events: FormEvents) {
    var picking by remember { mutableStateOf(false) }
    OutlinedTextField(
        value = f.text,
        onValueChange = { events.onText(f.path, it) },
        label = { Text(f.labelText()) },
        placeholder = { Text(tr("date_placeholder")) },
        isError = f.problems.isNotEmpty(),
        supportingText = if (f.problems.isEmpty() && f.help == null) null else ({ Column { FieldNotes(f) } }),
        trailingIcon = {
            IconButton(onClick = { picking = true }, enabled = editable) {
                Icon(Icons.Filled.DateRange, contentDescription = tr("choose_date_for", f.label.show()))
            }
        },
        enabled = editable,
        singleLine = true,
        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number),
        modifier = Modifier.fillMaxWidth(),
    )
    if (picking) {
        val typed = runCatching { LocalDate.parse(f.text.trim(), DAY) }.getOrNull()
        val picker = rememberDatePickerState(initialSelectedDateMillis = typed?.atStartOfDay(ZoneOffset.UTC)?.toInstant()?.toEpochMilli())
        DatePickerDialog(
            onDismissRequest = { picking = false },
            confirmButton = {
                TextButton(onClick = {
                    picker.selectedDateMillis?.let { ms -> events.onDatePicked(f.path, Instant.ofEpochMilli(ms).atZone(ZoneOffset.UTC).toLocalDate()) }
                    picking = false
                }) { Text(tr("ok")) }
            },
            dismissButton = { TextButton(onClick = { picking = false }) { Text(tr("cancel")) } },
        ) { DatePicker(state = picker) }
    }
}

/** A yes/no: the whole line is the touch target, and says its label. */
@Composable
private fun FlagInput(f: FieldState, editable: Boolean, events: FormEvents) {
    Column {
        Row(
            Modifier.fillMaxWidth().heightIn(min = 48.dp)
                .toggleable(value = f.on, enabled = editable, role = Role.Checkbox, onValueChange = { events.onFlag(f.path, it) }),
            verticalAlignment = Alignment.CenterVertically,
        ) {
            Checkbox(checked = f.on, onCheckedChange = null, enabled = editable)
            Text(f.labelText(), style = MaterialTheme.typography.bodyLarge, modifier = Modifier.padding(start = 12.dp).weight(1f))
        }
        FieldNotes(f)
    }
}

/** One of the core's choices, each a radio line. */
@Composable
private fun ChoiceInput(f: FieldState, options: List<Choice>, editable: Boolean, label: String = f.labelText(), selected: String? = f.code, onPick: (String) -> Unit) {
    Column {
        Text(label, style = MaterialTheme.typography.labelLarge, modifier = Modifier.padding(top = 8.dp))
        Column(Modifier.selectableGroup()) {
            options.forEach { option ->
                RadioLine(option.label.show(), selected = option.code == selected, enabled = editable) { onPick(option.code) }
            }
        }
        FieldNotes(f)
    }
}

@Composable
fun RadioLine(text: String, selected: Boolean, enabled: Boolean, onClick: () -> Unit) {
    Row(
        Modifier.fillMaxWidth().heightIn(min = 48.dp)
            .selectable(selected = selected, enabled = enabled, role = Role.RadioButton, onClick = onClick),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        RadioButton(selected = selected, onClick = null, enabled = enabled)
        Text(text, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.padding(start = 12.dp).weight(1f))
    }
}

/** The record's area: one of the person's areas (only shown as text when there is one). */
@Composable
private fun AreaInput(f: FieldState, form: RecordFormUiState.Editing, editable: Boolean, events: FormEvents) {
    val current = form.areas.firstOrNull { it.id == f.text }
    if (form.areas.size > 1 && editable) {
        Column {
            Text(f.labelText(), style = MaterialTheme.typography.labelLarge, modifier = Modifier.padding(top = 8.dp))
            Column(Modifier.selectableGroup()) {
                form.areas.forEach { a -> RadioLine(a.name, selected = a.id == f.text, enabled = editable) { events.onText(f.path, a.id) } }
            }
            FieldNotes(f)
        }
    } else {
        Column {
            FieldLabel(f)
            Text(current?.name ?: f.text, style = MaterialTheme.typography.bodyLarge)
            FieldNotes(f)
        }
    }
}

/** The household a record is about, picked from the area's list. */
@Composable
private fun HouseholdInput(f: FieldState, form: RecordFormUiState.Editing, editable: Boolean, events: FormEvents) {
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        FieldLabel(f)
        Text(f.household?.show() ?: if (f.text.isBlank()) tr("household_none") else tr("household_unknown"), style = MaterialTheme.typography.bodyLarge)
        FieldNotes(f)
        if (editable) OutlinedButton(onClick = { events.pickHousehold(f.path, form.areaId) }) { Text(tr("household_choose")) }
    }
}

/** A place: GPS fixes or taps on the area's outline; a line or an area tap by tap. */
@Composable
private fun PlaceInput(f: FieldState, form: RecordFormUiState.Editing, shapes: List<Choice>, editable: Boolean, events: FormEvents) {
    val place = f.place ?: vn.sachxanh.state.PlaceDraft()
    var locating by remember { mutableStateOf(false) }
    val locate = LocalDevices.current.rememberLocate { fix ->
        locating = false
        if (fix != null) events.onGpsFix(f.path, fix.lon, fix.lat, fix.accuracyM)
    }
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        if (shapes.size > 1) {
            ChoiceInput(f, shapes, editable, selected = place.shapeCode) { events.onShape(f.path, it) }
        } else {
            FieldLabel(f)
            FieldNotes(f)
        }
        AreaMap(
            form.outline,
            place.shape,
            place.points,
            description = tr("place_map"),
            onTap = { lon, lat -> if (editable) events.onMapTap(f.path, lon, lat) },
            modifier = Modifier.padding(vertical = 4.dp),
        )
        Text(
            when {
                place.points.isEmpty() -> tr("place_none")
                place.source == vn.sachxanh.state.PlaceSource.GPS && place.gpsAccuracyM != null -> tr("place_gps", place.points.size, place.gpsAccuracyM!!.toInt())
                else -> tr("place_points", place.points.size)
            },
            style = MaterialTheme.typography.bodyMedium,
        )
        @OptIn(ExperimentalLayoutApi::class)
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            OutlinedButton(onClick = { locating = true; locate() }, enabled = editable && !locating) { Text(tr(if (locating) "locating" else "use_gps")) }
            TextButton(onClick = { events.undoLastPoint(f.path) }, enabled = editable && place.points.isNotEmpty()) { Text(tr("undo")) }
            TextButton(onClick = { events.clearPlace(f.path) }, enabled = editable && place.points.isNotEmpty()) { Text(tr("clear")) }
        }
    }
}

/** Photos under each of the field's stages (before, after), or the one photo of a Photo field. */
@Composable
private fun PhotosInput(f: FieldState, stages: List<Choice>, editable: Boolean, events: FormEvents, source: PhotoSource) {
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        FieldLabel(f)
        if (editable) Text(tr("photo_hint"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
        val groups: List<Pair<String?, String?>> = if (stages.isEmpty()) listOf(null to null) else stages.map { it.code to it.label.show() }
        groups.forEach { (code, label) ->
            PhotoGroup(
                title = label,
                photos = f.photos(code),
                editable = editable,
                onTake = { source.take(f.path, code) },
                onPick = { source.pick(f.path, code) },
                onOpen = events::openPhoto,
                onRemove = events::removePhoto,
            )
        }
        FieldNotes(f)
    }
}
