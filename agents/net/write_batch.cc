#include "agents/net/write_batch.h"

#include "agents/net/connection.h"

namespace archload::agent {

bool WriteBatch::FlushAll() {
  if (dirty_.empty()) return false;
  // A flush may fail a connection whose close handler sends elsewhere (adding to dirty_).
  flushing_.swap(dirty_);
  for (auto& conn : flushing_) conn->FlushNow();
  flushing_.clear();
  return true;
}

}  // namespace archload::agent
