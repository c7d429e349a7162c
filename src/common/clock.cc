#include "common/clock.h"

namespace caudal {

SystemClock& SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

}  // namespace caudal
