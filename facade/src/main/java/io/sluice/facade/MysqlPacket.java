package io.sluice.facade;

/** One logical MySQL packet received: its first sequence id and its payload (continuations joined). */
record MysqlPacket(int sequenceId, byte[] payload) {
}
