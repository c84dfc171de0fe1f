package org.kd4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TeacherPool#oneJointRun}: which receipts of co-finetuned teachers may be taken together when the teacher ledger
 * keeps receipts of several joint runs.
 */
class JointReceiptsTest {

    private static final List<String> NAMES = List.of("a", "b", "c");

    private static String sha(char c) {
        return String.valueOf(c).repeat(64);
    }

    /** A receipt of teacher {@code name} with model {@code model}, naming its partners' models (null: not recorded). */
    private static TeacherProvenance receipt(String name, char model, Map<String, String> partners) {
        TeacherProvenance p = TeacherProvenance.of(name, "2026-12-06T00:00:00Z", "", "", "SST-2", "train.tsv", "", 8, "tok", 1.0, 10)
                .cofinetunedWith(NAMES.stream().filter(n -> !n.equals(name)).toList()).withModelSha256(sha(model));
        return partners == null ? p : p.withPartnerModels(partners);
    }

    /** Run 1 made models 1, 2, 3 for a, b, c; run 2 made 4, 5, 6. */
    private static TeacherProvenance run1(int k) {
        char[] m = {'1', '2', '3'};
        return receipt(NAMES.get(k), m[k], partners(k, m));
    }

    private static TeacherProvenance run2(int k) {
        char[] m = {'4', '5', '6'};
        return receipt(NAMES.get(k), m[k], partners(k, m));
    }

    private static Map<String, String> partners(int k, char[] models) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (int j = 0; j < NAMES.size(); j++) {
            if (j != k) {
                out.put(NAMES.get(j), sha(models[j]));
            }
        }
        return out;
    }

    private static List<String> models(List<TeacherProvenance> chosen) {
        return chosen.stream().map(p -> p.modelSha256().substring(0, 1)).toList();
    }

    @Test
    void theFirstChoiceFromOneJointRunInEachTeachersOrder() {
        List<TeacherProvenance> current = List.of(run2(0), run2(1), run2(2));
        // every receipt usable: the current ones (run 2)
        assertEquals(List.of("4", "5", "6"), models(TeacherPool.oneJointRun(NAMES,
                List.of(List.of(run2(0), run1(0)), List.of(run2(1), run1(1)), List.of(run2(2), run1(2))), current)));
        // c's run-2 logits missing: not a (run 2) with c (run 1), but run 1 for all
        assertEquals(List.of("1", "2", "3"), models(TeacherPool.oneJointRun(NAMES,
                List.of(List.of(run2(0), run1(0)), List.of(run2(1), run1(1)), List.of(run1(2))), current)));
        // and without a's run-1 receipt, no choice comes from one run
        assertNull(TeacherPool.oneJointRun(NAMES,
                List.of(List.of(run2(0)), List.of(run2(1), run1(1)), List.of(run1(2))), current));
    }

    @Test
    void receiptsThatDoNotNameTheirPartnersAreTakenOnlyAsTheCurrentOnes() {
        List<TeacherProvenance> old = List.of(receipt("a", '1', null), receipt("b", '2', null), receipt("c", '3', null));
        assertEquals(List.of("1", "2", "3"), models(TeacherPool.oneJointRun(NAMES,
                List.of(List.of(old.get(0)), List.of(old.get(1)), List.of(old.get(2))), old)));
        // b's current receipt (a later run that names its partners) lacks logits: b's older receipt cannot be placed
        List<TeacherProvenance> current = List.of(old.get(0), run2(1), old.get(2));
        assertNull(TeacherPool.oneJointRun(NAMES, List.of(List.of(old.get(0)), List.of(old.get(1)), List.of(old.get(2))),
                current));
    }

    @Test
    void aReceiptNamingAnotherPartnerModelIsRefused() {
        TeacherProvenance bElsewhere = receipt("b", '2', Map.of("a", sha('9'), "c", sha('3')));
        List<TeacherProvenance> current = List.of(run1(0), bElsewhere, run1(2));
        assertNull(TeacherPool.oneJointRun(NAMES, List.of(List.of(run1(0)), List.of(bElsewhere), List.of(run1(2))), current));
        // b from a joint run that also had a teacher d: its partners include a and c's models, but it is not this run's
        TeacherProvenance bWithD = receipt("b", '2', Map.of("a", sha('1'), "c", sha('3'), "d", sha('7')));
        assertNull(TeacherPool.oneJointRun(NAMES, List.of(List.of(run1(0)), List.of(bWithD), List.of(run1(2))),
                List.of(run1(0), bWithD, run1(2))));
        // the same receipts with b naming exactly its partners are taken
        assertEquals(List.of("1", "2", "3"), models(TeacherPool.oneJointRun(NAMES,
                List.of(List.of(run1(0)), List.of(run1(1)), List.of(run1(2))), List.of(run1(0), run1(1), run1(2)))));
    }

    @Test
    void partnerModelsAreWrittenOnlyForCoFinetunedTeachers(@TempDir Path dir) throws Exception {
        Path apart = dir.resolve("apart.kdm");
        TeacherProvenance.write(apart, TeacherProvenance.of("x", "t", "", "", "SST-2", "f", "", 1, "tok", 1, 1));
        assertFalse(Files.readString(TeacherProvenance.fileOf(apart)).contains("partner_models"));
        assertNull(TeacherProvenance.read(apart).orElseThrow().partnerModels());
        Path joint = dir.resolve("joint.kdm");
        TeacherProvenance.write(joint, run1(0));
        assertTrue(Files.readString(TeacherProvenance.fileOf(joint)).contains("\"partner_models\""));
        assertEquals(Map.of("b", sha('2'), "c", sha('3')), TeacherProvenance.read(joint).orElseThrow().partnerModels());
    }
}
