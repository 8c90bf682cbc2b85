package vn.sachxanh.app

import android.content.Context
import vn.sachxanh.core.newStoreKey
import java.io.File

/**
 * The key of the phone's encrypted store: 32 random bytes made by the core on the first start,
 * sealed by the Android Keystore, passed to the core at every open. Should the Keystore lose
 * its key (a restored phone), the old store can never be read again: it is moved aside (its
 * records are on the server once synced) and a new one starts, rather than the app failing
 * on every start.
 */
object StoreKey {
    fun forStore(context: Context, store: File): ByteArray {
        val box = KeystoreSealed(context, "sachxanh-store-key", "store-key.bin")
        box.read()?.let { return it }
        // A plain store (from before encryption) is kept: the new key encrypts it in place.
        if (box.exists && store.exists() && !isPlain(store)) {
            val aside = ".unreadable-" + System.currentTimeMillis()
            for (suffix in listOf("", "-wal", "-shm")) {
                val f = File(store.path + suffix)
                if (f.exists()) f.renameTo(File(store.path + aside + suffix))
            }
        }
        return newStoreKey().also { box.write(it) }
    }

    private fun isPlain(store: File): Boolean = runCatching {
        store.inputStream().use { String(it.readNBytes(15), Charsets.ISO_8859_1) == "SQLite format 3" }
    }.getOrDefault(false)
}
