package vn.sachxanh.app.ui

import androidx.compose.foundation.Image
import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Close
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.remember
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.draw.clip
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.layout.ContentScale
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import vn.sachxanh.core.Input
import vn.sachxanh.state.FormPhoto
import vn.sachxanh.state.PhotoBytes
import vn.sachxanh.state.PhotoContent
import vn.sachxanh.state.PhotoViewer
import vn.sachxanh.state.RecordFormUiState

/** Thumbnails are decoded small: a 1600 px JPEG is 7 MB as a bitmap, twenty of them too many. */
private const val THUMB_PX = 192

/** The prepared photos are at most 1600 px; the viewer shows them whole. */
private const val FULL_PX = 1600

/**
 * One stage's photos (before or after): thumbnails, each tapped to open or removed with the ✕
 * under it, and the two ways to add one.
 */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun PhotoGroup(
    title: String?,
    photos: List<FormPhoto>,
    editable: Boolean,
    onTake: () -> Unit,
    onPick: () -> Unit,
    onOpen: (sha256: String) -> Unit,
    onRemove: (key: String) -> Unit,
) {
    Column(Modifier.fillMaxWidth().padding(vertical = 4.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
        title?.let { Text(it, style = MaterialTheme.typography.titleSmall) }
        if (photos.isEmpty()) {
            Text(tr("photo_none"), style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
        } else {
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                photos.forEachIndexed { i, p -> PhotoThumb(p, i + 1, title, editable, onOpen, onRemove) }
            }
        }
        if (editable) {
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                OutlinedButton(onClick = onTake) { Text(tr("photo_take")) }
                OutlinedButton(onClick = onPick) { Text(tr("photo_pick")) }
            }
        }
    }
}

@Composable
private fun PhotoThumb(photo: FormPhoto, number: Int, stage: String?, editable: Boolean, onOpen: (String) -> Unit, onRemove: (String) -> Unit) {
    val name = tr("photo_numbered", number) + (stage?.let { " · $it" } ?: "")
    Column(horizontalAlignment = Alignment.CenterHorizontally) {
        Box(Modifier.size(96.dp).clip(RoundedCornerShape(8.dp)).background(MaterialTheme.colorScheme.surfaceVariant)) {
            when (photo) {
                is FormPhoto.Preparing -> Column(
                    Modifier.align(Alignment.Center).padding(4.dp),
                    horizontalAlignment = Alignment.CenterHorizontally,
                ) {
                    CircularProgressIndicator(Modifier.size(24.dp))
                    Text(tr("photo_preparing"), style = MaterialTheme.typography.labelMedium, textAlign = TextAlign.Center)
                }
                is FormPhoto.Attached -> Box(
                    Modifier.fillMaxSize().clickable(onClickLabel = tr("photo_open"), role = Role.Image) { onOpen(photo.sha256) },
                ) {
                    val bitmap = photo.preview?.let { rememberDecoded(it, THUMB_PX) }
                    if (bitmap != null) {
                        Image(bitmap, contentDescription = name, contentScale = ContentScale.Crop, modifier = Modifier.fillMaxSize())
                    } else {
                        // Not on this phone: downloaded only when opened (the person's data plan).
                        Text(
                            tr("photo_not_loaded"),
                            style = MaterialTheme.typography.labelMedium,
                            textAlign = TextAlign.Center,
                            modifier = Modifier.align(Alignment.Center).padding(4.dp),
                        )
                    }
                }
            }
        }
        if (editable) {
            IconButton(onClick = { onRemove(photo.key) }) {
                Icon(Icons.Filled.Close, contentDescription = tr("photo_remove_named", name))
            }
        }
    }
}

/** A photo full size over the form: loading, shown, offline (a photo not on this phone) or an error. */
@Composable
fun PhotoViewerOverlay(viewer: PhotoViewer, form: RecordFormUiState.Editing, events: FormEvents) {
    val stage = (form.fields.firstOrNull { it.path == viewer.path }?.input as? Input.Photos)
        ?.stages?.firstOrNull { it.code == viewer.stage }?.label?.show()
    Surface(Modifier.fillMaxSize(), color = Color.Black, contentColor = Color.White) {
        Box(Modifier.fillMaxSize()) {
            when (val c = viewer.content) {
                PhotoContent.Loading -> Column(Modifier.align(Alignment.Center), horizontalAlignment = Alignment.CenterHorizontally) {
                    CircularProgressIndicator(color = Color.White)
                    Text(tr("photo_loading"), modifier = Modifier.padding(top = 12.dp))
                }
                is PhotoContent.Shown -> {
                    val bitmap = rememberDecoded(c.photo, FULL_PX)
                    if (bitmap != null) {
                        Image(bitmap, contentDescription = stage ?: tr("photo_open"), contentScale = ContentScale.Fit, modifier = Modifier.fillMaxSize())
                    } else {
                        Text(tr("photo_unreadable"), modifier = Modifier.align(Alignment.Center).padding(24.dp))
                    }
                }
                is PhotoContent.Offline -> ViewerMessage(tr("offline_title"), c.message.show(), events::retryPhoto, Modifier.align(Alignment.Center))
                is PhotoContent.Error -> ViewerMessage(null, c.message.show(), events::retryPhoto, Modifier.align(Alignment.Center))
            }
            Row(Modifier.fillMaxWidth().align(Alignment.TopStart).background(Color.Black).padding(4.dp), verticalAlignment = Alignment.CenterVertically) {
                Text(stage ?: "", style = MaterialTheme.typography.titleMedium, modifier = Modifier.weight(1f).padding(start = 12.dp))
                IconButton(onClick = events::closePhoto) {
                    Icon(Icons.Filled.Close, contentDescription = tr("photo_close"), tint = Color.White)
                }
            }
        }
    }
}

@Composable
private fun ViewerMessage(title: String?, message: String, onRetry: () -> Unit, modifier: Modifier) {
    Column(modifier.padding(24.dp), horizontalAlignment = Alignment.CenterHorizontally, verticalArrangement = Arrangement.spacedBy(8.dp)) {
        title?.let { Text(it, style = MaterialTheme.typography.titleMedium) }
        Text(message, textAlign = TextAlign.Center)
        OutlinedButton(onClick = onRetry) { Text(tr("retry"), color = Color.White) }
    }
}

/** Decoded once per photo (photos never change: they are named by their bytes). */
@Composable
private fun rememberDecoded(photo: PhotoBytes, maxPx: Int) =
    LocalDevices.current.let { devices -> remember(photo.sha256, maxPx) { devices.decodePhoto(photo.jpeg, maxPx) } }
