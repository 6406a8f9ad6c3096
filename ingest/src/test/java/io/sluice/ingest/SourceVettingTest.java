package io.sluice.ingest;

import io.sluice.model.gtid.GtidSet;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SourceVettingTest {
    private static final String A = "aaaaaaaa-0000-0000-0000-000000000001";
    private static final String B = "bbbbbbbb-0000-0000-0000-000000000002";
    private static final String C = "cccccccc-0000-0000-0000-000000000003";
    private static final String GROUP = "99999999-0000-0000-0000-000000000009";
    private static final SourceEndpoint HERE = new SourceEndpoint("db", 3306);

    private static SourceFacts facts(String uuid, String executed, boolean replica) {
        return new SourceFacts(HERE, uuid, GtidSet.parse(executed), GtidSet.EMPTY,
                replica ? List.of("") : List.of(), null, null, false);
    }

    @Test
    void aReplicaWithEverythingTheTopicHasAndMoreOfTheOldSourceIsAccepted() {
        SourceVetting.Verdict v = SourceVetting.vet(GtidSet.parse(A + ":1-10"), A, facts(B, A + ":1-12", true));
        assertThat(v.accepted()).isTrue();
    }

    @Test
    void aServerLackingTransactionsOfTheTopicIsRefusedNamingThem() {
        SourceFacts d = facts(B, A + ":1-7", false);
        SourceVetting.Verdict v = SourceVetting.vet(GtidSet.parse(A + ":1-10"), A, d);
        assertThat(v.accepted()).isFalse();
        assertThat(v.missing()).isEqualTo(GtidSet.parse(A + ":8-10"));
        assertThat(v.reason(d, A)).contains("missing GTIDs " + A + ":8-10").contains("db:3306");
    }

    @Test
    void localWritesOfAServerThatStillReplicatesAreErrant() {
        SourceFacts c = facts(C, A + ":1-10," + C + ":1-2", true);
        SourceVetting.Verdict v = SourceVetting.vet(GtidSet.parse(A + ":1-10"), A, c);
        assertThat(v.accepted()).isFalse();
        assertThat(v.missing().isEmpty()).isTrue();
        assertThat(v.errant()).isEqualTo(GtidSet.parse(C + ":1-2"));
        assertThat(v.reason(c, A)).contains("errant GTIDs " + C + ":1-2");
    }

    @Test
    void writesOfAPromotedPrimaryAreItsOwnAndAccepted() {
        SourceVetting.Verdict v = SourceVetting.vet(GtidSet.parse(A + ":1-10"), A,
                facts(B, A + ":1-10," + B + ":1-5", false));
        assertThat(v.accepted()).isTrue();
    }

    @Test
    void aPromotedPrimaryStillCarryingAnotherServersExtraTransactionsIsRefused() {
        SourceVetting.Verdict v = SourceVetting.vet(GtidSet.parse(A + ":1-10"), A,
                facts(B, A + ":1-10," + B + ":1-5," + C + ":3", false));
        assertThat(v.errant()).isEqualTo(GtidSet.parse(C + ":3"));
    }

    @Test
    void transactionsOfOtherUuidsTheTopicAlreadyHasAreNotErrant() {
        SourceVetting.Verdict v = SourceVetting.vet(GtidSet.parse(A + ":1-10," + C + ":1-4"), A,
                facts(B, A + ":1-10," + C + ":1-4", true));
        assertThat(v.accepted()).isTrue();
    }

    @Test
    void theServerTheTopicFollowedIsNotCheckedForErrantTransactions() {
        // an intermediate source relays an upstream's transactions: they are its stream, not errant
        SourceVetting.Verdict v = SourceVetting.vet(GtidSet.parse(A + ":1-10"), A,
                facts(A, A + ":1-10," + C + ":1-4", true));
        assertThat(v.accepted()).isTrue();
    }

    @Test
    void theOldSourceComingBackBehindTheTopicIsRefused() {
        SourceVetting.Verdict v = SourceVetting.vet(GtidSet.parse(A + ":1-10," + B + ":1-3"), B,
                facts(A, A + ":1-10", false));
        assertThat(v.missing()).isEqualTo(GtidSet.parse(B + ":1-3"));
    }

    @Test
    void purgedTransactionsTheTopicLacksAreRefused() {
        SourceFacts facts = new SourceFacts(HERE, B, GtidSet.parse(A + ":1-20"), GtidSet.parse(A + ":1-15"),
                List.of(""), null, null, false);
        SourceVetting.Verdict v = SourceVetting.vet(GtidSet.parse(A + ":1-10"), A, facts);
        assertThat(v.purged()).isEqualTo(GtidSet.parse(A + ":11-15"));
        assertThat(v.reason(facts, A)).contains("purged GTIDs " + A + ":11-15");
    }

    @Test
    void aGroupMemberMayHaveTheGroupsTransactionsOnlyWhenOnlineAndTheTopicFollowsTheGroup() {
        GtidSet topic = GtidSet.parse(GROUP + ":1-10");
        SourceFacts online = new SourceFacts(HERE, B, GtidSet.parse(GROUP + ":1-14"), GtidSet.EMPTY,
                List.of(), GROUP, null, true);
        assertThat(SourceVetting.vet(topic, A, online).accepted()).isTrue();
        SourceFacts offline = new SourceFacts(HERE, B, GtidSet.parse(GROUP + ":1-14"), GtidSet.EMPTY,
                List.of(), GROUP, null, false);
        assertThat(SourceVetting.vet(topic, A, offline).errant()).isEqualTo(GtidSet.parse(GROUP + ":11-14"));
        SourceFacts otherGroup = new SourceFacts(HERE, B, GtidSet.parse(A + ":1-3," + GROUP + ":1-14"),
                GtidSet.EMPTY, List.of(), GROUP, null, true);
        assertThat(SourceVetting.vet(GtidSet.parse(A + ":1-3"), A, otherGroup).errant())
                .isEqualTo(GtidSet.parse(GROUP + ":1-14"));
    }

    @Test
    void anEmptyTopicAcceptsAnyServer() {
        assertThat(SourceVetting.vet(GtidSet.EMPTY, null, facts(C, C + ":1-3", true)).accepted()).isTrue();
    }

    @Test
    void withoutAKnownSourceTheUuidsOfTheTopicCount() {
        SourceVetting.Verdict v = SourceVetting.vet(GtidSet.parse(A + ":1-10"), null,
                facts(B, A + ":1-11," + C + ":1", true));
        assertThat(v.errant()).isEqualTo(GtidSet.parse(C + ":1"));
    }
}
