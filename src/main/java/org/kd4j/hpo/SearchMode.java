package org.kd4j.hpo;

/** Arbiter's candidate generators. */
public enum SearchMode {
    /** Random search (Arbiter's RandomSearchGenerator), seeded. */
    RANDOM,
    /** Grid search (Arbiter's GridSearchCandidateGenerator): {@code grid_points} values per numeric dimension. */
    GRID
}
