package vn.sachxanh.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.ScrollState
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import vn.sachxanh.core.HouseholdRow
import vn.sachxanh.state.RecordFormUiState
import vn.sachxanh.state.pick
import vn.sachxanh.state.RecordFormViewModel
import java.time.LocalDate

/**
 * What a form sends to its state holder, by field path. One implementation forwards to
 * [RecordFormViewModel]; screenshots use one that does nothing.
 */
interface FormEvents {
    fun onText(path: String, text: String) {}
    fun onDatePicked(path: String, date: LocalDate) {}
    fun onFlag(path: String, on: Boolean) {}
    fun onChoice(path: String, code: String?) {}
    fun onLinesText(path: String, text: String) {}
    fun onShape(path: String, code: String) {}
    fun onGpsFix(path: String, lon: Double, lat: Double, accuracyM: Float?) {}
    fun onMapTap(path: String, lon: Double, lat: Double) {}
    fun undoLastPoint(path: String) {}
    fun clearPlace(path: String) {}
    fun addPhoto(path: String, file: String, stage: String?) {}
    fun removePhoto(key: String) {}
    fun openPhoto(sha256: String) {}
    fun retryPhoto() {}
    fun closePhoto() {}
    fun moveUp() {}
    fun save(submit: Boolean) {}

    /** The household picker for the Household field at [path], on the form's area. */
    fun pickHousehold(path: String, areaId: String) {}

    /** A household already recorded that the one being typed resembles, opened instead. */
    fun openHousehold(id: String, areaId: String) {}
}

/** The form's events, forwarded to its state holder; the household picker is navigation's. */
fun RecordFormViewModel.events(
    onPickHousehold: (path: String, areaId: String) -> Unit,
    onOpenHousehold: (id: String, areaId: String) -> Unit = { _, _ -> },
): FormEvents {
    val vm = this
    return object : FormEvents {
        override fun onText(path: String, text: String) = vm.onText(path, text)
        override fun onDatePicked(path: String, date: LocalDate) = vm.onDatePicked(path, date)
        override fun onFlag(path: String, on: Boolean) = vm.onFlag(path, on)
        override fun onChoice(path: String, code: String?) = vm.onChoice(path, code)
        override fun onLinesText(path: String, text: String) = vm.onLinesText(path, text)
        override fun onShape(path: String, code: String) = vm.onShape(path, code)
        override fun onGpsFix(path: String, lon: Double, lat: Double, accuracyM: Float?) = vm.onGpsFix(path, lon, lat, accuracyM)
        override fun onMapTap(path: String, lon: Double, lat: Double) = vm.onMapTap(path, lon, lat)
        override fun undoLastPoint(path: String) = vm.undoLastPoint(path)
        override fun clearPlace(path: String) = vm.clearPlace(path)
        override fun addPhoto(path: String, file: String, stage: String?) = vm.addPhoto(path, file, stage)
        override fun removePhoto(key: String) = vm.removePhoto(key)
        override fun openPhoto(sha256: String) = vm.openPhoto(sha256)
        override fun retryPhoto() = vm.retryPhoto()
        override fun closePhoto() = vm.closePhoto()
        override fun moveUp() = vm.moveUp()
        override fun save(submit: Boolean) = vm.save(submit)
        override fun pickHousehold(path: String, areaId: String) = onPickHousehold(path, areaId)
        override fun openHousehold(id: String, areaId: String) = onOpenHousehold(id, areaId)
    }
}

/**
 * Every kind's form: the core declares the fields (labels, inputs, help, headings, which are
 * shown) and judges the values; this draws them and forwards what the person does.
 */
@Composable
fun RecordFormScreen(vm: RecordFormViewModel, events: FormEvents, onSaved: () -> Unit, onBack: () -> Unit) {
    val state by vm.state.collectAsState()
    LaunchedEffect(state is RecordFormUiState.Saved) {
        if (state is RecordFormUiState.Saved) onSaved()
    }
    RecordFormContent(state, events, onBack)
}

@Composable
fun RecordFormContent(state: RecordFormUiState, events: FormEvents, onBack: () -> Unit) {
    val title = (state as? RecordFormUiState.Editing)?.title?.show() ?: tr("form_title")
    Screen(title = title, onBack = onBack) {
        when (val s = state) {
            RecordFormUiState.Loading, is RecordFormUiState.Saved -> Loading()
            is RecordFormUiState.Error -> ErrorMessage(s.message, onRetry = null)
            is RecordFormUiState.Editing -> {
                // A photo opened full size covers the form; the form comes back where it was.
                val scroll = rememberScrollState()
                val viewer = s.viewer
                if (viewer != null) PhotoViewerOverlay(viewer, s, events) else FormBody(s, events, scroll)
            }
        }
    }
}

/**
 * Households already recorded that the one being typed resembles (the core's rule), above the
 * save buttons: open one instead of recording it twice, or save anyway.
 */
@Composable
private fun SimilarHouseholds(similar: List<HouseholdRow>, events: FormEvents) {
    if (similar.isEmpty()) return
    Notice(MaterialTheme.colorScheme.tertiaryContainer) {
        Text(tr("form_similar_households"), style = MaterialTheme.typography.titleSmall, color = MaterialTheme.colorScheme.onTertiaryContainer)
        similar.forEach { h ->
            OutlinedButton(onClick = { events.openHousehold(h.id, h.areaId) }, modifier = Modifier.fillMaxWidth()) {
                Text("${h.headName} — ${h.address}")
            }
        }
        Text(tr("form_similar_save_anyway"), style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onTertiaryContainer)
    }
}

@Composable
private fun FormBody(s: RecordFormUiState.Editing, events: FormEvents, scroll: ScrollState) {
    val editable = s.mayWrite && !s.saving
    val photoSource = LocalDevices.current.rememberPhotoSource(s.preparingPhotos, events::addPhoto)
    Column(
        Modifier.fillMaxSize().verticalScroll(scroll).padding(horizontal = 16.dp, vertical = 8.dp),
        verticalArrangement = Arrangement.spacedBy(4.dp),
    ) {
        s.recordTitle?.let { Text(it.show(), style = MaterialTheme.typography.titleMedium) }
        s.statusLabel?.let { Text(tr("form_status", it.show()), style = MaterialTheme.typography.bodyMedium) }
        if (!s.mayWrite) {
            Notice(MaterialTheme.colorScheme.secondaryContainer) {
                Text(tr("form_read_only"), style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSecondaryContainer)
            }
        }
        ReviewerReason(s.reviewerReason)
        if (s.conflicts.isNotEmpty()) {
            Notice(MaterialTheme.colorScheme.errorContainer) {
                Text(tr("form_conflicts"), style = MaterialTheme.typography.titleSmall, color = MaterialTheme.colorScheme.onErrorContainer)
                val english = LocalUiStrings.current.english
                s.conflicts.forEach { c ->
                    Text("${c.label.show()}: ${c.values.joinToString(" / ") { it.pick(english) }}", style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onErrorContainer)
                }
            }
        }
        ErrorLines(s.general)
        s.ladder?.let { ladder ->
            Text(tr("ladder_now", ladder.current.label.show()), style = MaterialTheme.typography.bodyLarge)
            val next = ladder.next
            if (next != null && s.canMoveUp) {
                Button(onClick = events::moveUp, modifier = Modifier.fillMaxWidth()) { Text(tr("ladder_next", next.label.show())) }
            }
        }
        s.fields.filter { it.shown }.forEach { f ->
            f.section?.let { SectionTitle(it.show()) }
            FieldView(f, s, editable, events, photoSource)
        }
        photoSource.problem?.let { Text(it, color = MaterialTheme.colorScheme.error) }
        if (s.preparingPhotos) Text(tr("photo_wait_to_save"), style = MaterialTheme.typography.bodyMedium)
        SimilarHouseholds(s.similar, events)
        if (s.mayWrite) {
            Column(Modifier.fillMaxWidth().padding(vertical = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                OutlinedButton(onClick = { events.save(false) }, enabled = s.canSave, modifier = Modifier.fillMaxWidth()) { Text(tr("save_draft")) }
                Button(onClick = { events.save(true) }, enabled = s.canSave, modifier = Modifier.fillMaxWidth()) { Text(tr("save_submit")) }
                if (s.saving) LinearProgressIndicator(Modifier.fillMaxWidth())
            }
        }
    }
}
