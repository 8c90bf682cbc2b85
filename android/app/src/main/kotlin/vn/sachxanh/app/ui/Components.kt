package vn.sachxanh.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ColumnScope
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.ArrowBack
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import vn.sachxanh.core.Message
import vn.sachxanh.state.SyncStep
import vn.sachxanh.state.SyncUiState
import java.time.Instant
import java.time.ZoneId
import java.time.format.DateTimeFormatter

/**
 * A screen: a top bar whose title wraps rather than being cut off (long Vietnamese titles at a
 * large font size), an optional back arrow and actions, and the content below.
 */
@Composable
fun Screen(
    title: String,
    onBack: (() -> Unit)?,
    actions: @Composable () -> Unit = {},
    content: @Composable () -> Unit,
) {
    Surface(Modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
        Column(Modifier.fillMaxSize()) {
            Surface(color = MaterialTheme.colorScheme.surfaceContainer, modifier = Modifier.fillMaxWidth()) {
                Row(
                    Modifier.fillMaxWidth().heightIn(min = 56.dp).padding(horizontal = 4.dp, vertical = 4.dp),
                    verticalAlignment = Alignment.CenterVertically,
                ) {
                    if (onBack != null) {
                        IconButton(onClick = onBack) {
                            Icon(Icons.AutoMirrored.Filled.ArrowBack, contentDescription = tr("back"))
                        }
                    } else {
                        Spacer(Modifier.width(12.dp))
                    }
                    Text(
                        title,
                        style = MaterialTheme.typography.titleLarge,
                        modifier = Modifier.weight(1f).padding(horizontal = 4.dp).semantics { heading() },
                    )
                    actions()
                }
            }
            Box(Modifier.fillMaxWidth().weight(1f)) { content() }
        }
    }
}

@Composable
fun Loading(modifier: Modifier = Modifier) {
    Box(modifier.fillMaxSize(), contentAlignment = Alignment.Center) {
        CircularProgressIndicator()
    }
}

@Composable
fun EmptyMessage(text: String, modifier: Modifier = Modifier) {
    Box(modifier.fillMaxWidth().padding(24.dp), contentAlignment = Alignment.Center) {
        Text(text, style = MaterialTheme.typography.bodyLarge)
    }
}

@Composable
fun ErrorMessage(message: Message, onRetry: (() -> Unit)?, modifier: Modifier = Modifier) {
    Column(
        modifier.fillMaxWidth().padding(24.dp),
        verticalArrangement = Arrangement.spacedBy(16.dp),
        horizontalAlignment = Alignment.CenterHorizontally,
    ) {
        Text(message.show(), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyLarge)
        if (onRetry != null) OutlinedButton(onClick = onRetry) { Text(tr("retry")) }
    }
}

/** A card of one colour for notices: offline, a reviewer's reason, a refusal. */
@Composable
fun Notice(container: androidx.compose.ui.graphics.Color, modifier: Modifier = Modifier, content: @Composable ColumnScope.() -> Unit) {
    Card(
        colors = CardDefaults.cardColors(containerColor = container),
        modifier = modifier.fillMaxWidth(),
    ) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp), content = content)
    }
}

/** Offline is a banner over what the phone holds, never an empty screen. */
@Composable
fun OfflineBanner(message: Message?, modifier: Modifier = Modifier) {
    if (message == null) return
    Notice(MaterialTheme.colorScheme.tertiaryContainer, modifier) {
        Text(tr("offline_title"), style = MaterialTheme.typography.titleSmall, color = MaterialTheme.colorScheme.onTertiaryContainer)
        Text(message.show(), style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onTertiaryContainer)
    }
}

/** The reviewer's words on a returned or rejected record. */
@Composable
fun ReviewerReason(reason: String?, modifier: Modifier = Modifier) {
    if (reason.isNullOrBlank()) return
    Notice(MaterialTheme.colorScheme.errorContainer, modifier) {
        Text(tr("reviewer_reason"), style = MaterialTheme.typography.titleSmall, color = MaterialTheme.colorScheme.onErrorContainer)
        Text(reason, style = MaterialTheme.typography.bodyLarge, color = MaterialTheme.colorScheme.onErrorContainer)
    }
}

@Composable
fun ErrorLines(errors: List<Message>, modifier: Modifier = Modifier) {
    if (errors.isEmpty()) return
    Column(modifier) {
        errors.forEach { Text(it.show(), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium) }
    }
}

@Composable
fun SectionTitle(text: String, modifier: Modifier = Modifier) {
    Text(
        text,
        style = MaterialTheme.typography.titleMedium,
        modifier = modifier.padding(top = 16.dp, bottom = 4.dp).semantics { heading() },
    )
}

/** A list line a person taps: kind and title, what it stands at, and anything to fix. */
@Composable
fun RecordCard(
    heading: String,
    lines: List<String>,
    onClick: (() -> Unit)?,
    modifier: Modifier = Modifier,
    extra: @Composable ColumnScope.() -> Unit = {},
) {
    val content: @Composable ColumnScope.() -> Unit = {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
            Text(heading, style = MaterialTheme.typography.titleMedium)
            lines.forEach { Text(it, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant) }
            extra()
        }
    }
    if (onClick != null) {
        Card(onClick = onClick, modifier = modifier.fillMaxWidth().heightIn(min = 48.dp), content = content)
    } else {
        Card(modifier = modifier.fillMaxWidth(), content = content)
    }
}

private val shownTime: DateTimeFormatter = DateTimeFormatter.ofPattern("HH:mm dd/MM/yyyy")

@Composable
fun lastSyncText(ms: Long?): String =
    if (ms == null) tr("never_synced") else tr("last_sync", Instant.ofEpochMilli(ms).atZone(ZoneId.systemDefault()).format(shownTime))

/** The sync line shared by home, outbox and review: progress, cancel, the last outcome. */
@Composable
fun SyncActivity(activity: SyncUiState, onCancel: () -> Unit) {
    when (activity) {
        is SyncUiState.Running -> Column(Modifier.fillMaxWidth(), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            val step = activity.step
            Text(stepText(step), style = MaterialTheme.typography.bodyMedium)
            when {
                step is SyncStep.Sending && step.total > 0 -> LinearProgressIndicator(progress = { step.fraction }, modifier = Modifier.fillMaxWidth())
                step is SyncStep.UploadingPhotos && step.totalBytes > 0 -> LinearProgressIndicator(progress = { step.fraction }, modifier = Modifier.fillMaxWidth())
                else -> LinearProgressIndicator(Modifier.fillMaxWidth())
            }
            OutlinedButton(onClick = onCancel) { Text(tr("sync_cancel")) }
        }
        is SyncUiState.Done -> Column {
            Text(
                if (activity.refused > 0) tr("sync_done_refused", activity.pushed, activity.refused) else tr("sync_done", activity.pushed, activity.pulled),
                style = MaterialTheme.typography.bodyMedium,
            )
            if (activity.photosUploaded > 0) Text(tr("sync_done_photos", activity.photosUploaded), style = MaterialTheme.typography.bodyMedium)
            // The link kept failing for these: they stay on the phone and go next time.
            if (activity.photosWaiting > 0) Text(tr("sync_photos_not_sent", activity.photosWaiting), style = MaterialTheme.typography.bodyMedium)
            // Taken, but the server wants the person to check something (a date in a closed period).
            activity.notices.forEach { Text(it.show(), style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.error) }
        }
        is SyncUiState.Cancelled -> Text(activity.message.show(), style = MaterialTheme.typography.bodyMedium)
        is SyncUiState.Failed -> Text(activity.message.show(), color = MaterialTheme.colorScheme.error)
        is SyncUiState.NotEnrolled -> Text(activity.message.show(), color = MaterialTheme.colorScheme.error)
        // Offline has its banner; idle has nothing to say.
        is SyncUiState.Offline, SyncUiState.Idle -> Unit
    }
}

@Composable
private fun stepText(step: SyncStep): String {
    val strings = LocalUiStrings.current
    return when (step) {
        SyncStep.Starting -> tr("sync_starting")
        is SyncStep.Sending -> tr("sync_sending", step.done, step.total)
        is SyncStep.Receiving -> tr("sync_receiving", step.received)
        is SyncStep.UploadingPhotos -> tr("sync_uploading_photos", strings.bytes(step.sentBytes), strings.bytes(step.totalBytes))
        SyncStep.Finishing -> tr("sync_finishing")
        SyncStep.Working -> tr("sync_working")
    }
}

/** "Sync now", hidden while one runs (the running one has its own "stop"). */
@Composable
fun SyncNowButton(activity: SyncUiState, onSync: () -> Unit) {
    if (activity !is SyncUiState.Running) Button(onClick = onSync) { Text(tr("sync_now")) }
}
