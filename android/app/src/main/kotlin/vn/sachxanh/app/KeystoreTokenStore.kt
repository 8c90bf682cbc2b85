package vn.sachxanh.app

import android.content.Context
import vn.sachxanh.state.TokenStore

/**
 * The device token, sealed by the Android Keystore ([KeystoreSealed]). A token that cannot be
 * unsealed (the key is gone) reads as none: the phone enrols again rather than crash.
 */
class KeystoreTokenStore(context: Context) : TokenStore {
    private val box = KeystoreSealed(context, "sachxanh-device-token", "device-token.bin")

    override fun read(): String? = box.read()?.toString(Charsets.UTF_8)

    override fun write(token: String) = box.write(token.toByteArray(Charsets.UTF_8))

    override fun clear() = box.clear()
}
