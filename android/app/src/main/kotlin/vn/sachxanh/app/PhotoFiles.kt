package vn.sachxanh.app

import android.content.Context
import android.graphics.Bitmap
import android.graphics.BitmapFactory
import android.net.Uri
import androidx.core.content.FileProvider
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import java.io.File
import java.util.UUID

/**
 * Files handed to the core's `addPhoto`: the camera's output and copies of gallery photos, in
 * the app's cache (never backed up, never in the gallery). The core keeps its own scaled copy,
 * so these are only needed until the form shows the photo as attached.
 */
class PhotoFiles(private val context: Context) {
    private val dir: File get() = File(context.cacheDir, DIR).apply { mkdirs() }

    /** A file for the camera app to write, and the content URI it is given (FileProvider). */
    fun newCameraTarget(): Pair<File, Uri> {
        val file = File(dir, "camera-${UUID.randomUUID()}.jpg")
        return file to FileProvider.getUriForFile(context, "${context.packageName}.photos", file)
    }

    /**
     * Copies a gallery photo (a content URI readable only while the picker's grant lasts) to a
     * file. JPEG and PNG go as they are; anything else (HEIC from newer cameras) is re-encoded
     * as JPEG here, since the core reads only those two. `null` when it cannot be read.
     */
    suspend fun copyFromGallery(uri: Uri): File? = withContext(Dispatchers.IO) {
        val resolver = context.contentResolver
        val type = resolver.getType(uri)
        val file = File(dir, "gallery-${UUID.randomUUID()}.jpg")
        runCatching {
            if (type == "image/jpeg" || type == "image/png") {
                resolver.openInputStream(uri)!!.use { input -> file.outputStream().use { input.copyTo(it) } }
            } else {
                val bitmap = decodeBounded(uri, MAX_REENCODE_EDGE) ?: error("unreadable image")
                // Quality 95: the core re-encodes once more at its own quality; avoid losing twice.
                file.outputStream().use { bitmap.compress(Bitmap.CompressFormat.JPEG, 95, it) }
                bitmap.recycle()
            }
            file
        }.getOrElse {
            file.delete()
            null
        }
    }

    /**
     * Deletes the files the core has taken its copy of, except [keep] (the camera's target, the
     * camera app may still be writing it). Files younger than [minAgeMs] stay: a gallery copy
     * may still be on its way to `addPhoto`; the next clean-up takes them.
     */
    fun cleanUp(keep: String?, minAgeMs: Long = 60_000) {
        val before = System.currentTimeMillis() - minAgeMs
        dir.listFiles()?.filter { it.path != keep && it.lastModified() < before }?.forEach { it.delete() }
    }

    // Decodes at a power-of-two reduction so a 50 MP photo does not exhaust a cheap phone's memory.
    private fun decodeBounded(uri: Uri, maxEdge: Int): Bitmap? {
        val resolver = context.contentResolver
        val bounds = BitmapFactory.Options().apply { inJustDecodeBounds = true }
        resolver.openInputStream(uri)?.use { BitmapFactory.decodeStream(it, null, bounds) }
        var sample = 1
        while (bounds.outWidth / (sample * 2) >= maxEdge || bounds.outHeight / (sample * 2) >= maxEdge) sample *= 2
        val opts = BitmapFactory.Options().apply { inSampleSize = sample }
        return resolver.openInputStream(uri)?.use { BitmapFactory.decodeStream(it, null, opts) }
    }

    companion object {
        /** Under `cacheDir`; res/xml/photo_paths.xml shares exactly this folder with the camera. */
        const val DIR = "photos"

        /** Twice the core's 1600 px: enough for it to scale down from, small enough for memory. */
        private const val MAX_REENCODE_EDGE = 3200
    }
}
