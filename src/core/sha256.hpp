// Streaming SHA-256 over OpenSSL's EVP interface, private to src/.
//
// Guarantees
// - The digest is OpenSSL's SHA-256 (libcrypto), never a hand-written one.
// - A Sha256 may be reused: finish() returns the digest and starts afresh.
// - Thread-safe as OpenSSL is: one Sha256 per thread; the fetched algorithm is shared.
#pragma once

#include <openssl/evp.h>

#include <array>
#include <string>
#include <string_view>

#include "commonweal/core/error.hpp"

namespace commonweal {

using Digest = std::array<unsigned char, 32>;

class Sha256 {
 public:
  Sha256() : context_(EVP_MD_CTX_new()) {
    if (context_ == nullptr) throw Error(ErrorCode::environment, "OpenSSL could not allocate a SHA-256 context");
    start();
  }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256(Sha256&& other) noexcept : context_(other.context_), pending_(std::move(other.pending_)) {
    other.context_ = nullptr;
  }
  ~Sha256() { EVP_MD_CTX_free(context_); }

  Sha256& update(std::string_view bytes) {
    flush();
    if (EVP_DigestUpdate(context_, bytes.data(), bytes.size()) != 1) fail();
    return *this;
  }
  Sha256& update(const Digest& digest) {
    return update(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
  }
  // A field that cannot run into the next one: its length, ':', its bytes.
  // Fields are gathered and handed to OpenSSL in one call, at finish() or when many.
  Sha256& field(std::string_view bytes) {
    pending_ += std::to_string(bytes.size());
    pending_ += ':';
    pending_ += bytes;
    if (pending_.size() > 4096) flush();
    return *this;
  }
  Digest finish() {
    flush();
    Digest digest{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(context_, digest.data(), &length) != 1 || length != digest.size()) fail();
    start();
    return digest;
  }

 private:
  void flush() {
    if (pending_.empty()) return;
    if (EVP_DigestUpdate(context_, pending_.data(), pending_.size()) != 1) fail();
    pending_.clear();
  }
  void start() {
    if (EVP_DigestInit_ex2(context_, sha256(), nullptr) != 1) fail();
  }
  // SHA-256 fetched from OpenSSL's default provider once per process: starting a digest with it
  // costs about 200 ns instead of about 450 ns with EVP_sha256() (which looks it up every time).
  static const EVP_MD* sha256() {
    static EVP_MD* const fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) throw Error(ErrorCode::environment, "OpenSSL has no SHA-256");
    return fetched;
  }
  [[noreturn]] static void fail() { throw Error(ErrorCode::environment, "SHA-256 failed in OpenSSL"); }
  EVP_MD_CTX* context_;
  std::string pending_;
};

inline std::string to_hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string text;
  text.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    text += hex[bytes[i] >> 4];
    text += hex[bytes[i] & 15];
  }
  return text;
}
inline std::string to_hex(const Digest& digest) { return to_hex(digest.data(), digest.size()); }

}  // namespace commonweal
