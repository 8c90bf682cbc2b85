package vn.sachxanh.app.ui

import android.text.format.Formatter
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.ArrowBack
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.Checkbox
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.DatePicker
import androidx.compose.material3.DatePickerDialog
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TopAppBar
import androidx.compose.material3.rememberDatePickerState
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalConfiguration
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import vn.sachxanh.app.R
import vn.sachxanh.state.SyncStep
import vn.sachxanh.state.SyncUiState
import vn.sachxanh.state.UserText
import java.time.Instant
import java.time.LocalDate
import java.time.ZoneId
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter

/** A message from the core or the state layer, in the phone's language (Vietnamese unless English). */
@Composable
fun UserText.show(): String = pick(english = LocalConfiguration.current.locales[0].language == "en")

@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun Screen(
    title: String,
    onBack: (() -> Unit)?,
    actions: @Composable () -> Unit = {},
    floating: @Composable () -> Unit = {},
    content: @Composable (PaddingValues) -> Unit,
) {
    Scaffold(
        topBar = {
            TopAppBar(
                title = { Text(title) },
                navigationIcon = {
                    if (onBack != null) {
                        IconButton(onClick = onBack) {
                            Icon(Icons.AutoMirrored.Filled.ArrowBack, contentDescription = stringResource(R.string.back))
                        }
                    }
                },
                actions = { actions() },
            )
        },
        floatingActionButton = floating,
        content = content,
    )
}

@Composable
fun Loading(padding: PaddingValues = PaddingValues()) {
    Box(Modifier.fillMaxSize().padding(padding), contentAlignment = Alignment.Center) {
        CircularProgressIndicator()
    }
}

@Composable
fun EmptyMessage(text: String, padding: PaddingValues = PaddingValues()) {
    Box(Modifier.fillMaxSize().padding(padding).padding(24.dp), contentAlignment = Alignment.Center) {
        Text(text, style = MaterialTheme.typography.bodyLarge)
    }
}

@Composable
fun ErrorMessage(message: UserText, onRetry: (() -> Unit)?, padding: PaddingValues = PaddingValues()) {
    Column(
        Modifier.fillMaxSize().padding(padding).padding(24.dp),
        verticalArrangement = Arrangement.Center,
        horizontalAlignment = Alignment.CenterHorizontally,
    ) {
        Text(message.show(), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyLarge)
        if (onRetry != null) {
            OutlinedButton(onClick = onRetry, modifier = Modifier.padding(top = 16.dp)) { Text(stringResource(R.string.retry)) }
        }
    }
}

/** Offline is a banner over what the phone holds, never an empty screen. */
@Composable
fun OfflineBanner(message: UserText?) {
    if (message == null) return
    Card(
        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.tertiaryContainer),
        modifier = Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 8.dp),
    ) {
        Column(Modifier.padding(12.dp)) {
            Text(stringResource(R.string.offline_title), style = MaterialTheme.typography.titleSmall)
            Text(message.show(), style = MaterialTheme.typography.bodyMedium)
        }
    }
}

/** The reviewer's words on a returned or rejected record, above the form being fixed. */
@Composable
fun ReviewerReason(reason: String?) {
    if (reason.isNullOrBlank()) return
    Card(
        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.errorContainer),
        modifier = Modifier.fillMaxWidth().padding(vertical = 8.dp),
    ) {
        Column(Modifier.padding(12.dp)) {
            Text(stringResource(R.string.reviewer_reason), style = MaterialTheme.typography.titleSmall)
            Text(reason, style = MaterialTheme.typography.bodyLarge)
        }
    }
}

@Composable
fun GeneralErrors(errors: List<UserText>) {
    errors.forEach { Text(it.show(), color = MaterialTheme.colorScheme.error, modifier = Modifier.padding(vertical = 4.dp)) }
}

@Composable
fun FormTextField(
    label: String,
    value: String,
    error: UserText?,
    onChange: (String) -> Unit,
    enabled: Boolean = true,
    number: Boolean = false,
    decimal: Boolean = false,
    singleLine: Boolean = true,
    modifier: Modifier = Modifier.fillMaxWidth(),
) {
    OutlinedTextField(
        value = value,
        onValueChange = onChange,
        label = { Text(label) },
        isError = error != null,
        supportingText = error?.let { e -> { Text(e.show()) } },
        enabled = enabled,
        singleLine = singleLine,
        minLines = if (singleLine) 1 else 3,
        keyboardOptions = when {
            decimal -> KeyboardOptions(keyboardType = KeyboardType.Decimal)
            number -> KeyboardOptions(keyboardType = KeyboardType.Number)
            else -> KeyboardOptions.Default
        },
        modifier = modifier.padding(vertical = 4.dp),
    )
}

@Composable
fun CheckRow(label: String, checked: Boolean, onChange: (Boolean) -> Unit, enabled: Boolean = true) {
    Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.fillMaxWidth()) {
        Checkbox(checked = checked, onCheckedChange = onChange, enabled = enabled)
        Text(label, style = MaterialTheme.typography.bodyLarge)
    }
}

private val shownDate: DateTimeFormatter = DateTimeFormatter.ofPattern("dd/MM/yyyy")

/** Shows `YYYY-MM-DD` the Vietnamese way and picks a day from a calendar. */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun DateField(label: String, isoDate: String, error: UserText?, onChange: (String) -> Unit, enabled: Boolean = true) {
    var picking by remember { mutableStateOf(false) }
    val parsed = runCatching { LocalDate.parse(isoDate) }.getOrNull()
    Column(Modifier.fillMaxWidth().padding(vertical = 4.dp)) {
        Text(label, style = MaterialTheme.typography.labelLarge)
        OutlinedButton(onClick = { picking = true }, enabled = enabled) {
            Text(parsed?.format(shownDate) ?: isoDate.ifBlank { stringResource(R.string.choose_date) })
        }
        if (error != null) Text(error.show(), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall)
    }
    if (picking) {
        val picker = rememberDatePickerState(
            initialSelectedDateMillis = parsed?.atStartOfDay(ZoneOffset.UTC)?.toInstant()?.toEpochMilli(),
        )
        DatePickerDialog(
            onDismissRequest = { picking = false },
            confirmButton = {
                TextButton(onClick = {
                    picker.selectedDateMillis?.let { ms -> onChange(Instant.ofEpochMilli(ms).atZone(ZoneOffset.UTC).toLocalDate().toString()) }
                    picking = false
                }) { Text(stringResource(R.string.ok)) }
            },
            dismissButton = { TextButton(onClick = { picking = false }) { Text(stringResource(R.string.cancel)) } },
        ) { DatePicker(state = picker) }
    }
}

/** Save as a draft, or save and send for review: the two ways out of every form. */
@Composable
fun FormActions(saving: Boolean, onDraft: () -> Unit, onSubmit: () -> Unit, enabled: Boolean = !saving) {
    Row(horizontalArrangement = Arrangement.spacedBy(12.dp), modifier = Modifier.fillMaxWidth().padding(vertical = 16.dp)) {
        OutlinedButton(onClick = onDraft, enabled = enabled, modifier = Modifier.weight(1f)) { Text(stringResource(R.string.save_draft)) }
        Button(onClick = onSubmit, enabled = enabled, modifier = Modifier.weight(1f)) { Text(stringResource(R.string.save_submit)) }
    }
    if (saving) LinearProgressIndicator(Modifier.fillMaxWidth())
}

private val shownTime: DateTimeFormatter = DateTimeFormatter.ofPattern("HH:mm dd/MM/yyyy")

@Composable
fun lastSyncText(ms: Long?): String =
    if (ms == null) stringResource(R.string.never_synced)
    else stringResource(R.string.last_sync, Instant.ofEpochMilli(ms).atZone(ZoneId.systemDefault()).format(shownTime))

/** The sync line shared by home, outbox and review: progress, cancel, the last outcome. */
@Composable
fun SyncActivity(activity: SyncUiState, onCancel: () -> Unit) {
    when (activity) {
        is SyncUiState.Running -> Column(Modifier.fillMaxWidth()) {
            val step = activity.step
            Text(stepText(step))
            if (step is SyncStep.Sending && step.total > 0) {
                LinearProgressIndicator(progress = { step.fraction }, modifier = Modifier.fillMaxWidth())
            } else if (step is SyncStep.UploadingPhotos && step.totalBytes > 0) {
                LinearProgressIndicator(progress = { step.fraction }, modifier = Modifier.fillMaxWidth())
            } else {
                LinearProgressIndicator(Modifier.fillMaxWidth())
            }
            TextButton(onClick = onCancel) { Text(stringResource(R.string.sync_cancel)) }
        }
        is SyncUiState.Done -> Column {
            Text(
                if (activity.refused > 0) stringResource(R.string.sync_done_refused, activity.pushed, activity.refused)
                else stringResource(R.string.sync_done, activity.pushed, activity.pulled),
            )
            if (activity.photosUploaded > 0) Text(stringResource(R.string.sync_done_photos, activity.photosUploaded))
            // The link kept failing for these: they stay on the phone and go next time.
            if (activity.photosWaiting > 0) Text(stringResource(R.string.sync_photos_not_sent, activity.photosWaiting))
        }
        is SyncUiState.Cancelled -> Text(activity.message.show())
        is SyncUiState.Failed -> Text(activity.message.show(), color = MaterialTheme.colorScheme.error)
        is SyncUiState.NotEnrolled -> Text(activity.message.show(), color = MaterialTheme.colorScheme.error)
        // Offline has its banner; idle has nothing to say.
        is SyncUiState.Offline, SyncUiState.Idle -> Unit
    }
}

@Composable
private fun stepText(step: SyncStep): String = when (step) {
    SyncStep.Starting -> stringResource(R.string.sync_starting)
    is SyncStep.Sending -> stringResource(R.string.sync_sending, step.done, step.total)
    is SyncStep.Receiving -> stringResource(R.string.sync_receiving, step.received)
    is SyncStep.UploadingPhotos -> stringResource(
        R.string.sync_uploading_photos,
        Formatter.formatShortFileSize(LocalContext.current, step.sentBytes),
        Formatter.formatShortFileSize(LocalContext.current, step.totalBytes),
    )
    SyncStep.Finishing -> stringResource(R.string.sync_finishing)
    SyncStep.Working -> stringResource(R.string.sync_working)
}
