import { registerEnumType } from 'type-graphql';

/** What a volunteer can be sent to do; dispatch matches a task's needs against these. */
export enum Skill {
  DRIVER = 'DRIVER',
  ESCORT = 'ESCORT',
  MEDICINE_PICKUP = 'MEDICINE_PICKUP',
  DELIVERY = 'DELIVERY',
  MEDICAL = 'MEDICAL',
  CARE = 'CARE',
  TRANSLATION = 'TRANSLATION',
  WHEELCHAIR = 'WHEELCHAIR',
}

/** Each skill as Chinese messages name it (never the English value inside Chinese text). */
export const SKILL_ZH: Record<Skill, string> = {
  DRIVER: '司机',
  ESCORT: '陪同就医',
  MEDICINE_PICKUP: '代配药',
  DELIVERY: '配送',
  MEDICAL: '医护',
  CARE: '照护老人',
  TRANSLATION: '翻译/沟通',
  WHEELCHAIR: '可搬运轮椅',
};

registerEnumType(Skill, {
  name: 'Skill',
  description: 'What a volunteer can do 志愿者技能',
  valuesConfig: {
    DRIVER: { description: `Driver with a car ${SKILL_ZH.DRIVER}` },
    ESCORT: { description: `Escort to hospital ${SKILL_ZH.ESCORT}` },
    MEDICINE_PICKUP: { description: `Prescription pick-up ${SKILL_ZH.MEDICINE_PICKUP}` },
    DELIVERY: { description: `Delivery ${SKILL_ZH.DELIVERY}` },
    MEDICAL: { description: `Medical staff ${SKILL_ZH.MEDICAL}` },
    CARE: { description: `Care for the elderly ${SKILL_ZH.CARE}` },
    TRANSLATION: { description: `Translation and communication ${SKILL_ZH.TRANSLATION}` },
    WHEELCHAIR: { description: `Can carry a wheelchair (and the patient in it) ${SKILL_ZH.WHEELCHAIR}` },
  },
});
