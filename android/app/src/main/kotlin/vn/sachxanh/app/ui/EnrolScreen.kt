package vn.sachxanh.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.Button
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardCapitalization
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.activity.compose.rememberLauncherForActivityResult
import com.journeyapps.barcodescanner.ScanContract
import com.journeyapps.barcodescanner.ScanOptions
import vn.sachxanh.app.R
import vn.sachxanh.state.EnrolUiState
import vn.sachxanh.state.EnrolViewModel

@Composable
fun EnrolScreen(vm: EnrolViewModel, onEnrolled: () -> Unit) {
    val state by vm.state.collectAsStateWithLifecycle()
    val prompt = stringResource(R.string.enrol_scan_prompt)
    val scan = rememberLauncherForActivityResult(ScanContract()) { result ->
        result.contents?.let(vm::onScanned)
    }
    LaunchedEffect(state is EnrolUiState.Enrolled) {
        if (state is EnrolUiState.Enrolled) onEnrolled()
    }

    Screen(title = stringResource(R.string.enrol_title), onBack = null) { padding ->
        when (val s = state) {
            EnrolUiState.Checking, is EnrolUiState.Enrolled -> Loading(padding)
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
                    Modifier.fillMaxSize().padding(padding).padding(24.dp),
                    verticalArrangement = Arrangement.spacedBy(16.dp),
                ) {
                    Text(stringResource(R.string.enrol_explain), style = MaterialTheme.typography.bodyLarge)
                    if (s is EnrolUiState.Offline) OfflineBanner(s.message)
                    Button(
                        onClick = {
                            scan.launch(
                                ScanOptions()
                                    .setDesiredBarcodeFormats(ScanOptions.QR_CODE)
                                    .setPrompt(prompt)
                                    .setBeepEnabled(false)
                                    .setOrientationLocked(false),
                            )
                        },
                        enabled = !busy,
                        modifier = Modifier.fillMaxWidth(),
                    ) { Text(stringResource(R.string.enrol_scan)) }
                    Text(stringResource(R.string.enrol_or_type), style = MaterialTheme.typography.bodyMedium)
                    OutlinedTextField(
                        value = code,
                        onValueChange = vm::onCodeChanged,
                        label = { Text(stringResource(R.string.enrol_code)) },
                        placeholder = { Text("K7QM-3XPA-TW") },
                        isError = error != null,
                        supportingText = error?.let { e -> { Text(e.show()) } },
                        enabled = !busy,
                        singleLine = true,
                        keyboardOptions = KeyboardOptions(capitalization = KeyboardCapitalization.Characters),
                        modifier = Modifier.fillMaxWidth(),
                    )
                    OutlinedButton(
                        onClick = vm::submit,
                        enabled = !busy && code.isNotBlank(),
                        modifier = Modifier.fillMaxWidth(),
                    ) { Text(stringResource(if (s is EnrolUiState.Offline) R.string.retry else R.string.enrol_submit)) }
                    if (busy) LinearProgressIndicator(Modifier.fillMaxWidth())
                }
            }
        }
    }
}
