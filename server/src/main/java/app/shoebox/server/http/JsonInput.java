package app.shoebox.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JacksonException;
import io.javalin.http.Context;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Checks a request body before a handler reads it, for what PostgreSQL refuses to store and would
 * otherwise surface as a 500: bytes that are not UTF-8, and strings (values or field names)
 * holding a NUL character or longer than {@link #MAX_STRING_CHARS}. Each is a 400 naming the
 * request and the field (as a JSON pointer such as {@code /assets/3/checksum}).
 *
 * <p>A body that is not JSON is left to the handler, which says so in its own words.
 */
public final class JsonInput {

    /** Longer than any name, description or id a client sends; far below what fills memory. */
    public static final int MAX_STRING_CHARS = 65_536;

    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonInput() {
    }

    static void check(Context ctx) {
        byte[] body = ctx.bodyAsBytes();
        if (body.length == 0) {
            return;
        }
        String request = ctx.method() + " " + ctx.path();
        requireUtf8(body, request + ": the body");
        try (JsonParser p = FACTORY.createParser(body)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME) {
                    String text = t == JsonToken.FIELD_NAME ? p.currentName() : p.getText();
                    String field = p.getParsingContext().pathAsPointer().toString();
                    requireStorable(text, request + ": JSON field " + (field.isEmpty() ? "(the body)" : field));
                }
            }
        } catch (JacksonException e) {
            // Not JSON (or not what this scan expects): the handler reports it when it parses.
        } catch (IOException e) {
            throw new IllegalStateException("reading a body already in memory", e);
        }
    }

    /** The same check for query and path parameters, which reach SQL as text too. */
    static void checkParameters(Context ctx) {
        String request = ctx.method() + " " + ctx.path();
        ctx.queryParamMap().forEach((name, values) -> values.forEach(v ->
                requireStorable(v, request + ": query parameter '" + LogText.safe(name, 100) + "'")));
        ctx.pathParamMap().forEach((name, value) -> requireStorable(value, request + ": path parameter '" + name + "'"));
    }

    /**
     * Refuses text PostgreSQL cannot store (a NUL character) or that is longer than
     * {@link #MAX_STRING_CHARS}; {@code what} names the request and field in the message.
     */
    public static void requireStorable(String text, String what) {
        if (text.indexOf('\u0000') >= 0) {
            throw ApiException.badRequest(what + " contains a NUL character (\\u0000), which cannot be stored; remove it");
        }
        if (text.length() > MAX_STRING_CHARS) {
            throw ApiException.badRequest(what + " is " + text.length() + " characters long; at most " + MAX_STRING_CHARS
                    + " are accepted");
        }
    }

    /** Refuses bytes that are not UTF-8, saying where the first bad byte is. */
    public static void requireUtf8(byte[] bytes, String what) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(8192);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                throw ApiException.badRequest(what + " is not valid UTF-8 (bad byte at offset " + in.position() + "); send UTF-8 text");
            }
            if (result.isUnderflow()) {
                return;
            }
            out.clear();
        }
    }
}
