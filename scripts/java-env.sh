# Sourced by ./shoebox and ./run-tests: finds a JDK 25 or newer and exports JAVA_HOME.
# Order: $JAVA_HOME, Temurin/other JDKs under /usr/lib/jvm, then `java` on the PATH.

shoebox_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

shoebox_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25* /usr/lib/jvm/* \
                   "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(shoebox_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! SHOEBOX_JDK=$(shoebox_find_jdk); then
  echo "shoebox: no JDK 25 found. Install one (for example Temurin 25) and set JAVA_HOME to it." >&2
  echo "         Looked at \$JAVA_HOME (${JAVA_HOME:-unset}), /usr/lib/jvm/* and the java on the PATH." >&2
  exit 1
fi
export JAVA_HOME="$SHOEBOX_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
