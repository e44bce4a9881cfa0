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
}

registerEnumType(Skill, {
  name: 'Skill',
  description: 'What a volunteer can do 志愿者技能',
  valuesConfig: {
    DRIVER: { description: 'Driver with a car 司机' },
    ESCORT: { description: 'Escort to hospital 陪同就医' },
    MEDICINE_PICKUP: { description: 'Prescription pick-up 代配药' },
    DELIVERY: { description: 'Delivery 配送' },
    MEDICAL: { description: 'Medical staff 医护' },
    CARE: { description: 'Care for the elderly 照护老人' },
    TRANSLATION: { description: 'Translation and communication 翻译/沟通' },
  },
});
