// SPDX-License-Identifier: MIT
/// \file
/// `std::visit(overloaded{[](A&) {...}, [](B&) {...}}, variant)`: one lambda per alternative. A
/// visit written this way does not compile when an alternative has no lambda, which is the point:
/// adding a kind to a variant (a potential, say) makes the compiler list every site that must
/// handle it.
#pragma once

namespace md {

template <class... Handlers>
struct overloaded : Handlers... {
  using Handlers::operator()...;
};
template <class... Handlers>
overloaded(Handlers...) -> overloaded<Handlers...>;

}  // namespace md
