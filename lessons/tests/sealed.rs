//! Scenarios and exercises reach the page sealed (bytes it passes on unread) and open in the live
//! views to exactly what the lesson's build validated.

use netsplit_core::Scenario;
use netsplit_lessons::{course, exercises, Exercise, ScenarioCard, Sealed};

#[test]
fn every_lesson_scenario_opens_from_its_card_to_the_same_run() {
    let lessons = course().expect("the course decodes");
    let mut opened = 0;
    for lesson in lessons {
        for s in &lesson.scenarios {
            let card = ScenarioCard::of(s).expect("a scenario seals");
            assert_eq!(
                card.run.open().as_ref(),
                Ok(&s.scenario),
                "{}/{}",
                lesson.slug,
                s.id
            );
            opened += 1;
        }
    }
    assert!(opened >= 24, "only {opened} scenarios in the course");
}

#[test]
fn a_sealed_exercise_opens_with_its_spec_and_reference() {
    let all = exercises().expect("the exercises load");
    let first = all.first().expect("an exercise");
    let sealed = Sealed::seal(first).expect("an exercise seals");
    assert_eq!(sealed.open().as_ref(), Ok(first));
}

#[test]
fn damaged_sealed_bytes_say_so_instead_of_opening() {
    // A sealed value is its bytes on the wire: one byte that starts no scenario.
    let wire = postcard::to_allocvec(&vec![0xffu8]).expect("bytes encode");
    let sealed: Sealed<Scenario> = postcard::from_bytes(&wire).expect("bytes decode as sealed");
    let err = sealed.open().expect_err("0xff is no scenario");
    assert!(err.starts_with("damaged data"), "{err}");
    let other: Sealed<Exercise> = postcard::from_bytes(&wire).expect("bytes decode as sealed");
    assert!(other.open().is_err());
}
