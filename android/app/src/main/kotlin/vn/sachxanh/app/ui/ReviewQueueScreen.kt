package vn.sachxanh.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.sachxanh.app.R
import vn.sachxanh.core.Decision
import vn.sachxanh.state.Decided
import vn.sachxanh.state.Deciding
import vn.sachxanh.state.ReviewField
import vn.sachxanh.state.ReviewItem
import vn.sachxanh.state.ReviewQueueUiState
import vn.sachxanh.state.ReviewQueueViewModel
import vn.sachxanh.state.SyncUiState

@Composable
fun ReviewQueueScreen(vm: ReviewQueueViewModel, onBack: () -> Unit) {
    val state by vm.state.collectAsStateWithLifecycle()
    val sync by vm.syncState.collectAsStateWithLifecycle()
    Screen(
        title = stringResource(R.string.review_title),
        onBack = onBack,
        actions = { TextButton(onClick = vm::syncNow, enabled = sync !is SyncUiState.Running) { Text(stringResource(R.string.sync_now)) } },
    ) { padding ->
        Column(Modifier.fillMaxSize().padding(padding)) {
            Column(Modifier.padding(horizontal = 16.dp)) { SyncActivity(sync, vm::cancelSync) }
            OfflineBanner((sync as? SyncUiState.Offline)?.message)
            when (val s = state) {
                ReviewQueueUiState.Loading -> Loading()
                ReviewQueueUiState.NotAllowed -> EmptyMessage(stringResource(R.string.review_not_allowed))
                is ReviewQueueUiState.Error -> ErrorMessage(s.message, onRetry = { vm.refresh() })
                is ReviewQueueUiState.Empty -> Column {
                    LastDecided(s.lastDecided)
                    EmptyMessage(stringResource(R.string.review_empty))
                }
                is ReviewQueueUiState.Content -> {
                    LazyColumn(Modifier.fillMaxSize()) {
                        item { LastDecided(s.lastDecided) }
                        s.problem?.let { p -> item { Text(p.show(), color = MaterialTheme.colorScheme.error, modifier = Modifier.padding(16.dp)) } }
                        items(s.items, key = { it.id }) { item ->
                            ReviewCard(item, onApprove = { vm.approve(item.id) }, onReturn = { vm.startReturn(item.id) }, onReject = { vm.startReject(item.id) })
                        }
                    }
                    s.deciding?.let { ReasonDialog(it, vm) }
                }
            }
        }
    }
}

@Composable
private fun LastDecided(d: Decided?) {
    if (d == null) return
    val what = when (d.decision) {
        Decision.APPROVED -> R.string.review_done_approved
        Decision.RETURNED -> R.string.review_done_returned
        Decision.REJECTED -> R.string.review_done_rejected
    }
    Text(stringResource(what, d.item.title), style = MaterialTheme.typography.bodyMedium, modifier = Modifier.padding(16.dp))
}

@Composable
private fun ReviewCard(item: ReviewItem, onApprove: () -> Unit, onReturn: () -> Unit, onReject: () -> Unit) {
    Card(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 4.dp)) {
        Column(Modifier.padding(12.dp)) {
            Text("${stringResource(item.kind.label())} · ${item.title}", style = MaterialTheme.typography.bodyLarge)
            Text(listOfNotNull(stringResource(item.status.label()), item.areaName).joinToString(" · "), style = MaterialTheme.typography.bodyMedium)
            if (item.inConflict) Text(stringResource(R.string.form_conflicts), color = MaterialTheme.colorScheme.error)
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.padding(top = 8.dp)) {
                Button(onClick = onApprove) { Text(stringResource(R.string.review_approve)) }
                OutlinedButton(onClick = onReturn) { Text(stringResource(R.string.review_return)) }
                TextButton(onClick = onReject) { Text(stringResource(R.string.review_reject)) }
            }
        }
    }
}

@Composable
private fun ReasonDialog(d: Deciding, vm: ReviewQueueViewModel) {
    val error = d.errors[ReviewField.REASON]
    AlertDialog(
        onDismissRequest = vm::dismiss,
        title = { Text(stringResource(if (d.decision == Decision.REJECTED) R.string.review_reject_title else R.string.review_return_title, d.item.title)) },
        text = {
            Column {
                GeneralErrors(d.errors.general)
                OutlinedTextField(
                    value = d.reason,
                    onValueChange = vm::onReasonChanged,
                    label = { Text(stringResource(R.string.field_reason)) },
                    isError = error != null,
                    supportingText = error?.let { e -> { Text(e.show()) } },
                    enabled = !d.saving,
                    minLines = 3,
                )
            }
        },
        confirmButton = { Button(onClick = vm::confirm, enabled = !d.saving) { Text(stringResource(R.string.ok)) } },
        dismissButton = { TextButton(onClick = vm::dismiss) { Text(stringResource(R.string.cancel)) } },
    )
}
