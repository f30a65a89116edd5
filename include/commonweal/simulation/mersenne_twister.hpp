// commonweal::simulation::MersenneTwister64: std::mt19937_64, the same outputs for the same seed
// (the population is documented by its draws), made cheaper for the generator's use: each
// citizen seeds one and draws a few hundred numbers.
//
// Guarantees
// - operator()() returns exactly what std::mt19937_64(seed)() returns, call for call, and fill()
//   the same draws in a row (tested against it in tests/simulation/simulation_test.cpp).
// - The state is twisted in chunks of 52 words as they are needed, each word computed as the
//   standard's in-place pass computes it (from the words before it, new, and after it, old), and
//   a chunk is tempered at once: loops the compiler vectorises. A citizen who dies early twists
//   only the chunks it draws from.
#pragma once
#include <cstddef>
#include <cstdint>

namespace commonweal::simulation {

class MersenneTwister64 {
 public:
  static constexpr std::size_t n = 312, m = 156, chunk = 52;  // n = 6 chunks; n - m = 3 chunks

  explicit MersenneTwister64(std::uint64_t seed) {
    state_[0] = seed;
    for (std::size_t i = 1; i < n; ++i) state_[i] = f * (state_[i - 1] ^ (state_[i - 1] >> 62)) + i;
  }

  std::uint64_t operator()() {
    if (next_ == end_) refill();
    return out_[next_++];
  }
  // The next count draws into out: what count calls of operator()() return, copied a chunk at a time.
  void fill(std::uint64_t* out, std::size_t count) {
    while (count > 0) {
      if (next_ == end_) refill();
      const std::size_t take = count < end_ - next_ ? count : end_ - next_;
      for (std::size_t i = 0; i < take; ++i) out[i] = out_[next_ + i];
      next_ += take;
      out += take;
      count -= take;
    }
  }

 private:
  static constexpr std::uint64_t a = 0xB5026F5AA96619E9ULL, d = 0x5555555555555555ULL, b = 0x71D67FFFEDA60000ULL,
                                 c = 0xFFF7EEE000000000ULL, f = 6364136223846793005ULL;
  static constexpr std::uint64_t upper = ~std::uint64_t{0} << 31, lower = ~upper;
  static constexpr unsigned u = 29, s = 17, t = 37, l = 43;

  static std::uint64_t twist(std::uint64_t here, std::uint64_t after, std::uint64_t far) {
    const std::uint64_t y = (here & upper) | (after & lower);
    return far ^ (y >> 1) ^ ((0 - (y & 1)) & a);
  }

  // The next chunk of the state twisted in place (in the standard order: each word from the
  // words before it, new, and the words after it, old), then tempered into out_.
  void refill() {
    const std::size_t first = twisted_ == n ? 0 : twisted_;
    std::uint64_t* x = state_;
    const std::size_t last = first + chunk;  // n is a whole number of chunks
    if (last <= n - m) {
      for (std::size_t k = first; k < last; ++k) x[k] = twist(x[k], x[k + 1], x[k + m]);
    } else if (last < n) {
      for (std::size_t k = first; k < last; ++k) x[k] = twist(x[k], x[k + 1], x[k + m - n]);
    } else {
      for (std::size_t k = first; k < n - 1; ++k) x[k] = twist(x[k], x[k + 1], x[k + m - n]);
      x[n - 1] = twist(x[n - 1], x[0], x[m - 1]);
    }
    for (std::size_t k = 0; k < chunk; ++k) {
      std::uint64_t z = x[first + k];
      z ^= (z >> u) & d;
      z ^= (z << s) & b;
      z ^= (z << t) & c;
      z ^= z >> l;
      out_[k] = z;
    }
    twisted_ = last;
    next_ = 0;
    end_ = chunk;
  }

  std::uint64_t state_[n];
  std::uint64_t out_[chunk];
  std::size_t twisted_ = n;  // words of the current pass twisted: n, none of the next
  std::size_t next_ = 0, end_ = 0;
};

}  // namespace commonweal::simulation
