package app.shoebox.server.auth;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Slows password guessing: failed logins are counted per client address and per account, and
 * past a few free failures each key is locked for a time that doubles with every further failure.
 * While either key is locked every attempt is refused before the password is looked at, the right
 * one included, so guessing faster than the lock gains nothing (and costs the server no bcrypt).
 * A success clears both keys. Failures are forgotten after {@link Settings#forgetAfter} without one.
 *
 * <p>Why both keys: per account stops a guesser who spreads over many addresses; per address stops
 * one client trying one password on every account. Memory is bounded: at most
 * {@link Settings#maxTracked} keys of each kind, least recently used dropped first.
 *
 * <p>A few dozen lines rather than resilience4j's RateLimiter: that limits a rate of calls, while
 * this needs keyed counts of failures with a growing lock, and the tests need the clock.
 */
public final class LoginThrottle {

    /**
     * @param accountFreeFailures failures in a row an account may have before it is locked
     * @param addressFreeFailures the same per client address; higher, as a household shares one
     * @param firstLock           the lock after the first failure past the free ones; doubles after each further one
     * @param maxLock             the longest lock
     * @param forgetAfter         failures older than this (counted from the last one) are forgotten
     * @param maxTracked          keys kept per kind
     */
    public record Settings(int accountFreeFailures, int addressFreeFailures, Duration firstLock, Duration maxLock,
                           Duration forgetAfter, int maxTracked) {

        /**
         * 5 failures per account and 10 per address, then 30 s doubling to 15 min: a person who
         * mistypes is not held up, a guesser gets about four tries an hour per account.
         */
        public static final Settings DEFAULT = new Settings(5, 10, Duration.ofSeconds(30), Duration.ofMinutes(15),
                Duration.ofHours(1), 100_000);

        public Settings {
            if (accountFreeFailures < 1 || addressFreeFailures < 1 || maxTracked < 1 || firstLock.isNegative()
                    || firstLock.isZero() || maxLock.compareTo(firstLock) < 0 || forgetAfter.isNegative() || forgetAfter.isZero()) {
                throw new IllegalArgumentException("login throttle settings must be positive and maxLock >= firstLock: " + this);
            }
        }
    }

    /** Whether an attempt may go ahead. */
    public sealed interface Decision {
        record Allowed() implements Decision {}

        /** Refused until the lock ends; {@code retryAfter} is rounded up to whole seconds. */
        record Throttled(Duration retryAfter) implements Decision {}
    }

    /** Failures in a row after one more, for the log. */
    public record Counts(int address, int account) {}

    private static final class Key {
        int failures;
        Instant lastFailure = Instant.EPOCH;
        Instant lockedUntil = Instant.EPOCH;
    }

    private final Settings settings;
    private final InstantSource clock;
    private final Map<String, Key> accounts;
    private final Map<String, Key> addresses;

    public LoginThrottle(Settings settings, InstantSource clock) {
        this.settings = settings;
        this.clock = clock;
        this.accounts = lru(settings.maxTracked());
        this.addresses = lru(settings.maxTracked());
    }

    public synchronized Decision check(String address, String account) {
        Instant now = clock.instant();
        Instant until = max(lockedUntil(addresses, address), lockedUntil(accounts, normalize(account)));
        if (!until.isAfter(now)) {
            return new Decision.Allowed();
        }
        long millis = Duration.between(now, until).toMillis();
        return new Decision.Throttled(Duration.ofSeconds((millis + 999) / 1000));
    }

    public synchronized Counts failed(String address, String account) {
        Instant now = clock.instant();
        int byAddress = fail(addresses, address, settings.addressFreeFailures(), now);
        int byAccount = fail(accounts, normalize(account), settings.accountFreeFailures(), now);
        return new Counts(byAddress, byAccount);
    }

    public synchronized void succeeded(String address, String account) {
        addresses.remove(address);
        accounts.remove(normalize(account));
    }

    private int fail(Map<String, Key> keys, String id, int free, Instant now) {
        Key key = keys.computeIfAbsent(id, k -> new Key());
        if (Duration.between(key.lastFailure, now).compareTo(settings.forgetAfter()) > 0) {
            key.failures = 0;
        }
        key.failures++;
        key.lastFailure = now;
        if (key.failures >= free) {
            int doublings = Math.min(key.failures - free, 30);
            Duration lock = settings.firstLock().multipliedBy(1L << doublings);
            key.lockedUntil = now.plus(lock.compareTo(settings.maxLock()) > 0 ? settings.maxLock() : lock);
        }
        return key.failures;
    }

    private Instant lockedUntil(Map<String, Key> keys, String id) {
        Key key = keys.get(id);
        return key == null ? Instant.EPOCH : key.lockedUntil;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** E-mails are matched case-insensitively (the users table's unique index is on lower(email)). */
    private static String normalize(String account) {
        return account.strip().toLowerCase(Locale.ROOT);
    }

    private static Map<String, Key> lru(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Key> eldest) {
                return size() > max;
            }
        };
    }
}
