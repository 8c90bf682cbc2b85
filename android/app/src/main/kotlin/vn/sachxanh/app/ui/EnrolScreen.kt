package vn.sachxanh.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.input.KeyboardCapitalization
import androidx.compose.ui.unit.dp
import vn.sachxanh.state.EnrolUiState
import vn.sachxanh.state.EnrolViewModel

@Composable
fun EnrolScreen(vm: EnrolViewModel, onEnrolled: () -> Unit) {
    val state by vm.state.collectAsState()
    LaunchedEffect(state is EnrolUiState.Enrolled) {
        if (state is EnrolUiState.Enrolled) onEnrolled()
    }
    val scan = LocalDevices.current.rememberQrScanner(onScanned = vm::onScanned)
    EnrolContent(state, onCode = vm::onCodeChanged, onSubmit = vm::submit, onScan = scan)
}

/** The one-time code staff hand out: scanned, or typed. */
@Composable
fun EnrolContent(state: EnrolUiState, onCode: (String) -> Unit, onSubmit: () -> Unit, onScan: (() -> Unit)?) {
    Screen(title = tr("enrol_title"), onBack = null) {
        when (val s = state) {
            EnrolUiState.Checking, is EnrolUiState.Enrolled -> Loading()
            is EnrolUiState.Entering, is EnrolUiState.Enrolling, is EnrolUiState.Offline -> {
                val code = when (s) {
                    is EnrolUiState.Entering -> s.code
                    is EnrolUiState.Enrolling -> s.code
                    is EnrolUiState.Offline -> s.code
                    else -> ""
                }
                val busy = s is EnrolUiState.Enrolling
                val error = (s as? EnrolUiState.Entering)?.error
                Column(
                    Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(24.dp),
                    verticalArrangement = Arrangement.spacedBy(16.dp),
                ) {
                    Text(tr("enrol_explain"), style = MaterialTheme.typography.bodyLarge)
                    if (s is EnrolUiState.Offline) OfflineBanner(s.message)
                    if (onScan != null) {
                        Button(onClick = onScan, enabled = !busy, modifier = Modifier.fillMaxWidth()) { Text(tr("enrol_scan")) }
                        Text(tr("enrol_or_type"), style = MaterialTheme.typography.bodyMedium)
                    }
                    OutlinedTextField(
                        value = code,
                        onValueChange = onCode,
                        label = { Text(tr("enrol_code")) },
                        placeholder = { Text("K7QM-3XPA-TW") },
                        isError = error != null,
                        supportingText = error?.let { e -> { Text(e.show()) } },
                        enabled = !busy,
                        singleLine = true,
                        keyboardOptions = KeyboardOptions(capitalization = KeyboardCapitalization.Characters),
                        modifier = Modifier.fillMaxWidth(),
                    )
                    OutlinedButton(
                        onClick = onSubmit,
                        enabled = !busy && code.isNotBlank(),
                        modifier = Modifier.fillMaxWidth(),
                    ) { Text(tr(if (s is EnrolUiState.Offline) "retry" else "enrol_submit")) }
                    if (busy) {
                        Text(tr("enrol_enrolling"), style = MaterialTheme.typography.bodyMedium)
                        LinearProgressIndicator(Modifier.fillMaxWidth())
                    }
                }
            }
        }
    }
}
