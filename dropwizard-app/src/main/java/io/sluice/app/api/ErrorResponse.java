package io.sluice.app.api;

/** A 4xx/5xx body: the status, a message, and the field at fault when there is one. */
public record ErrorResponse(int code, String message, String field) {
}
