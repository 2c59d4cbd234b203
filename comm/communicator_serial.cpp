// SPDX-License-Identifier: MIT
/// \file
/// The single-rank communicator of a build without MPI: reductions are identities, and an exchange
/// with "a neighbour" is a copy to oneself (the neighbour of the only rank is the rank itself).
#include <cstdlib>
#include <cstring>

#include "comm/communicator.hpp"
#include "core/error.hpp"

namespace md {

CommSession::CommSession(int&, char**&) {}
CommSession::~CommSession() = default;

Communicator Communicator::world() { return Communicator(0, 1, 0, 1); }

void Communicator::sum(Span<double>) const {}
void Communicator::sum(Span<std::int64_t>) const {}
void Communicator::max(Span<double>) const {}
void Communicator::min(Span<double>) const {}
double Communicator::sum(double value) const { return value; }
std::int64_t Communicator::sum(std::int64_t value) const { return value; }
double Communicator::max(double value) const { return value; }
double Communicator::min(double value) const { return value; }
bool Communicator::any(bool flag) const { return flag; }

void Communicator::exchange_bytes(int dest, const void* send, std::size_t send_bytes, int source,
                                  void* recv, std::size_t recv_bytes) const {
  if (source < 0) return;
  if (dest != 0 || source != 0 || send_bytes != recv_bytes) {
    throw internal_error("serial exchange: mismatched self-exchange");
  }
  if (send_bytes > 0) std::memmove(recv, send, send_bytes);
}

void Communicator::broadcast_bytes(void*, std::size_t, int) const {}

std::vector<char> Communicator::gather_bytes(const void* data, std::size_t bytes, int) const {
  const char* begin = static_cast<const char*>(data);
  return std::vector<char>(begin, begin + bytes);
}

std::vector<char> Communicator::scatter_bytes(const std::vector<char>& blocks,
                                              const std::vector<std::size_t>&, int) const {
  return blocks;
}

void Communicator::barrier() const {}

void Communicator::abort(int exit_code) const { std::exit(exit_code); }

}  // namespace md
