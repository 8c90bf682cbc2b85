package vn.sachxanh.app.ui

import android.graphics.Bitmap
import android.graphics.BitmapFactory
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
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.produceState
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.draw.clip
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.graphics.asImageBitmap
import androidx.compose.ui.layout.ContentScale
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import androidx.compose.ui.window.Dialog
import androidx.compose.ui.window.DialogProperties
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import vn.sachxanh.app.R
import vn.sachxanh.core.PhotoStage
import vn.sachxanh.state.FormPhoto
import vn.sachxanh.state.PhotoBytes
import vn.sachxanh.state.PhotoContent
import vn.sachxanh.state.PhotoViewer

/** Thumbnails are decoded small: a 1600 px JPEG is 7 MB as a bitmap, twenty of them too many. */
private const val THUMB_PX = 192

/** The prepared photos are at most 1600 px; the viewer shows them whole. */
private const val FULL_PX = 1600

/**
 * One stage's photos (before or after): thumbnails, each tapped to open or crossed to remove,
 * and the two ways to add one.
 */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun PhotoStageRow(
    stage: PhotoStage,
    photos: List<FormPhoto>,
    enabled: Boolean,
    onTake: () -> Unit,
    onPick: () -> Unit,
    onOpen: (sha256: String) -> Unit,
    onRemove: (key: String) -> Unit,
) {
    Column(Modifier.fillMaxWidth().padding(vertical = 6.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
        Text(stringResource(stage.label()), style = MaterialTheme.typography.labelLarge)
        if (photos.isEmpty()) {
            Text(stringResource(R.string.photo_none), style = MaterialTheme.typography.bodySmall)
        } else {
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                photos.forEach { PhotoThumb(it, enabled, onOpen, onRemove) }
            }
        }
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            OutlinedButton(onClick = onTake, enabled = enabled) { Text(stringResource(R.string.photo_take)) }
            TextButton(onClick = onPick, enabled = enabled) { Text(stringResource(R.string.photo_pick)) }
        }
    }
}

@Composable
private fun PhotoThumb(photo: FormPhoto, enabled: Boolean, onOpen: (String) -> Unit, onRemove: (String) -> Unit) {
    Box(
        Modifier.size(88.dp).clip(RoundedCornerShape(8.dp)).background(MaterialTheme.colorScheme.surfaceVariant),
    ) {
        when (photo) {
            is FormPhoto.Preparing -> Column(
                Modifier.align(Alignment.Center).padding(4.dp),
                horizontalAlignment = Alignment.CenterHorizontally,
            ) {
                CircularProgressIndicator(Modifier.size(24.dp))
                Text(stringResource(R.string.photo_preparing), style = MaterialTheme.typography.labelSmall, textAlign = TextAlign.Center)
            }
            is FormPhoto.Attached -> Box(Modifier.fillMaxSize().clickable { onOpen(photo.sha256) }) {
                val bitmap = photo.preview?.let { rememberDecoded(it, THUMB_PX) }
                if (bitmap != null) {
                    Image(bitmap, contentDescription = stringResource(R.string.photo_open), contentScale = ContentScale.Crop, modifier = Modifier.fillMaxSize())
                } else {
                    // Not on this phone: downloaded only when opened (the person's data plan).
                    Text(
                        stringResource(R.string.photo_not_loaded),
                        style = MaterialTheme.typography.labelSmall,
                        textAlign = TextAlign.Center,
                        modifier = Modifier.align(Alignment.Center).padding(4.dp),
                    )
                }
            }
        }
        if (enabled) {
            IconButton(onClick = { onRemove(photo.key) }, modifier = Modifier.align(Alignment.TopEnd).size(32.dp)) {
                Icon(Icons.Filled.Close, contentDescription = stringResource(R.string.photo_remove))
            }
        }
    }
}

/** A photo full size over the form: loading, shown, offline (a photo not on this phone) or an error. */
@Composable
fun PhotoViewerDialog(viewer: PhotoViewer, onRetry: () -> Unit, onClose: () -> Unit) {
    Dialog(onDismissRequest = onClose, properties = DialogProperties(usePlatformDefaultWidth = false)) {
        Surface(Modifier.fillMaxSize(), color = Color.Black, contentColor = Color.White) {
            Box(Modifier.fillMaxSize()) {
                when (val c = viewer.content) {
                    PhotoContent.Loading -> Column(Modifier.align(Alignment.Center), horizontalAlignment = Alignment.CenterHorizontally) {
                        CircularProgressIndicator()
                        Text(stringResource(R.string.photo_loading), modifier = Modifier.padding(top = 12.dp))
                    }
                    is PhotoContent.Shown -> {
                        val bitmap = rememberDecoded(c.photo, FULL_PX)
                        if (bitmap != null) {
                            Image(bitmap, contentDescription = stringResource(viewer.stage?.label() ?: R.string.photo_open), contentScale = ContentScale.Fit, modifier = Modifier.fillMaxSize())
                        } else {
                            CircularProgressIndicator(Modifier.align(Alignment.Center))
                        }
                    }
                    is PhotoContent.Offline -> ViewerMessage(stringResource(R.string.offline_title), c.message.show(), onRetry, Modifier.align(Alignment.Center))
                    is PhotoContent.Error -> ViewerMessage(null, c.message.show(), onRetry, Modifier.align(Alignment.Center))
                }
                viewer.stage?.let {
                    Text(stringResource(it.label()), style = MaterialTheme.typography.titleMedium, modifier = Modifier.align(Alignment.TopStart).padding(16.dp))
                }
                IconButton(onClick = onClose, modifier = Modifier.align(Alignment.TopEnd).padding(4.dp)) {
                    Icon(Icons.Filled.Close, contentDescription = stringResource(R.string.photo_close))
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
        OutlinedButton(onClick = onRetry) { Text(stringResource(R.string.retry), color = Color.White) }
    }
}

/** Decodes off the main thread, once per photo (photos never change: they are named by content). */
@Composable
private fun rememberDecoded(photo: PhotoBytes, maxPx: Int): ImageBitmap? {
    val decoded by produceState<ImageBitmap?>(null, photo.sha256, maxPx) {
        value = withContext(Dispatchers.Default) { decodeJpeg(photo.jpeg, maxPx)?.asImageBitmap() }
    }
    return decoded
}

private fun decodeJpeg(bytes: ByteArray, maxPx: Int): Bitmap? {
    val bounds = BitmapFactory.Options().apply { inJustDecodeBounds = true }
    BitmapFactory.decodeByteArray(bytes, 0, bytes.size, bounds)
    var sample = 1
    while (bounds.outWidth / (sample * 2) >= maxPx && bounds.outHeight / (sample * 2) >= maxPx) sample *= 2
    return BitmapFactory.decodeByteArray(bytes, 0, bytes.size, BitmapFactory.Options().apply { inSampleSize = sample })
}
