package vn.sachxanh.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import vn.sachxanh.core.Decision
import vn.sachxanh.state.Decided
import vn.sachxanh.state.Deciding
import vn.sachxanh.state.Reading
import vn.sachxanh.state.ReviewItem
import vn.sachxanh.state.ReviewQueueUiState
import vn.sachxanh.state.ReviewQueueViewModel
import vn.sachxanh.state.SyncUiState

class ReviewActions(
    val onBack: () -> Unit = {},
    val onSync: () -> Unit = {},
    val onCancelSync: () -> Unit = {},
    val onOpen: (String) -> Unit = {},
    val onClose: () -> Unit = {},
    val onApprove: (String) -> Unit = {},
    val onReturn: (String) -> Unit = {},
    val onReject: (String) -> Unit = {},
    val onReason: (String) -> Unit = {},
    val onConfirm: () -> Unit = {},
    val onDismiss: () -> Unit = {},
    val onRetry: () -> Unit = {},
)

@Composable
fun ReviewQueueScreen(vm: ReviewQueueViewModel, onBack: () -> Unit) {
    val state by vm.state.collectAsState()
    val sync by vm.syncState.collectAsState()
    ReviewQueueContent(
        state,
        sync,
        ReviewActions(
            onBack = onBack, onSync = vm::syncNow, onCancelSync = vm::cancelSync, onOpen = vm::open, onClose = vm::closeReading,
            onApprove = vm::approve, onReturn = vm::startReturn, onReject = vm::startReject, onReason = vm::onReasonChanged,
            onConfirm = vm::confirm, onDismiss = vm::dismiss, onRetry = { vm.refresh() },
        ),
    )
}

/** Commune staff on a phone: read a record, approve it, or return or reject it with a reason. */
@Composable
fun ReviewQueueContent(state: ReviewQueueUiState, sync: SyncUiState, actions: ReviewActions) {
    Screen(title = tr("review_title"), onBack = actions.onBack) {
        LazyColumn(Modifier.fillMaxSize(), contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            item { OfflineBanner((sync as? SyncUiState.Offline)?.message) }
            item {
                Column(verticalArrangement = Arrangement.spacedBy(6.dp)) {
                    Text(tr("review_sync_note"), style = MaterialTheme.typography.bodyMedium)
                    SyncActivity(sync, actions.onCancelSync)
                    SyncNowButton(sync, actions.onSync)
                }
            }
            when (val s = state) {
                ReviewQueueUiState.Loading -> item { Loading(Modifier.fillMaxWidth()) }
                ReviewQueueUiState.NotAllowed -> item { EmptyMessage(tr("review_not_allowed")) }
                is ReviewQueueUiState.Error -> item { ErrorMessage(s.message, onRetry = actions.onRetry) }
                is ReviewQueueUiState.Empty -> {
                    item { LastDecided(s.lastDecided) }
                    item { EmptyMessage(tr("review_empty")) }
                }
                is ReviewQueueUiState.Content -> {
                    item { LastDecided(s.lastDecided) }
                    s.problem?.let { p -> item { Text(p.show(), color = MaterialTheme.colorScheme.error) } }
                    items(s.items, key = { it.id }) { item ->
                        ReviewCard(
                            item,
                            reading = s.reading?.takeIf { it.item.id == item.id },
                            deciding = s.deciding?.takeIf { it.item.id == item.id },
                            actions = actions,
                        )
                    }
                }
            }
        }
    }
}

@Composable
private fun LastDecided(d: Decided?) {
    if (d == null) return
    val what = when (d.decision) {
        Decision.APPROVED -> "review_done_approved"
        Decision.RETURNED -> "review_done_returned"
        Decision.REJECTED -> "review_done_rejected"
    }
    Text(tr(what, d.item.title.show()), style = MaterialTheme.typography.bodyMedium)
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun ReviewCard(item: ReviewItem, reading: Reading?, deciding: Deciding?, actions: ReviewActions) {
    RecordCard(
        heading = "${item.kindLabel.show()} · ${item.title.show()}",
        lines = listOf(listOfNotNull(item.statusLabel.show(), item.areaName).joinToString(" · ")),
        onClick = null,
    ) {
        if (item.inConflict) Text(tr("form_conflicts"), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium)
        when (reading) {
            null -> TextButton(onClick = { actions.onOpen(item.id) }) { Text(tr("review_read")) }
            is Reading.Loading -> CircularProgressIndicator()
            is Reading.Failed -> Text(reading.message.show(), color = MaterialTheme.colorScheme.error)
            is Reading.Shown -> Column(verticalArrangement = Arrangement.spacedBy(2.dp)) {
                reading.fields.forEach { f ->
                    f.section?.let { Text(it.show(), style = MaterialTheme.typography.titleSmall) }
                    Text("${f.label.show()}: ${f.value.show()}", style = MaterialTheme.typography.bodyMedium)
                }
                TextButton(onClick = actions.onClose) { Text(tr("close")) }
            }
        }
        if (deciding != null) {
            ReasonBox(deciding, actions)
        } else {
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Button(onClick = { actions.onApprove(item.id) }) { Text(tr("review_approve")) }
                OutlinedButton(onClick = { actions.onReturn(item.id) }) { Text(tr("review_return")) }
                OutlinedButton(onClick = { actions.onReject(item.id) }) { Text(tr("review_reject")) }
            }
        }
    }
}

/** The reason the author will read (the core requires one to return or reject). */
@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun ReasonBox(d: Deciding, actions: ReviewActions) {
    Column(verticalArrangement = Arrangement.spacedBy(6.dp)) {
        Text(
            tr(if (d.decision == Decision.REJECTED) "review_reject_title" else "review_return_title", d.item.title.show()),
            style = MaterialTheme.typography.titleSmall,
        )
        OutlinedTextField(
            value = d.reason,
            onValueChange = actions.onReason,
            label = { Text(tr("field_reason")) },
            isError = d.problems.isNotEmpty(),
            supportingText = if (d.problems.isEmpty()) null else ({ Column { d.problems.forEach { Text(it.show()) } } }),
            enabled = !d.saving,
            minLines = 3,
            modifier = Modifier.fillMaxWidth(),
        )
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Button(onClick = actions.onConfirm, enabled = !d.saving) { Text(tr(if (d.decision == Decision.REJECTED) "review_reject" else "review_return")) }
            OutlinedButton(onClick = actions.onDismiss, enabled = !d.saving) { Text(tr("cancel")) }
        }
    }
}
