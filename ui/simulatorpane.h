#pragma once

#include <QWidget>

#include "consolecontext.h"
#include "store/records.h"
#include "storereader.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSettings;
class QTableView;

namespace Maskline {

class MessageBanner;
class SimulatorTrafficModel;
struct SimulatedTraffic;

// Simulator: send an SMS or place a call "from a handset" to a proxy number, and watch what Maskline routes — the way
// to try Maskline without a carrier. Built against SimulatorBackend (models/simulator.h). The To list holds every
// pool number of the account with its Service's name: the number alone decides which Service routes the message (a
// number is in one pool at most), so there is no Service box to contradict it.
class SimulatorPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimulatorPane)

public:
    explicit SimulatorPane(const ConsoleContext &context, QWidget *parent = nullptr);

    QLineEdit *fromEdit() const { return m_from; }
    QComboBox *toCombo() const { return m_to; }
    // The number the To box means: the chosen pool number, or what was typed.
    QString toNumber() const;
    QLineEdit *bodyEdit() const { return m_body; }
    QLineEdit *mediaEdit() const { return m_media; }
    QPushButton *sendButton() const { return m_send; }
    QPushButton *callButton() const { return m_call; }
    MessageBanner *banner() const { return m_banner; }
    SimulatorTrafficModel *traffic() const { return m_traffic; }
    QTableView *view() const { return m_view; }

    void saveState(QSettings &settings) const;
    void restoreState(QSettings &settings);

public Q_SLOTS:
    void sendSms();
    // Reloads the To list when pool numbers or Services changed.
    void handleChanges(const QList<Maskline::Change> &changes);
    void reloadNumbers();
    void placeCall();

private:
    void handleResult(const SimulatedTraffic &attempt, const QString &outcome, bool failed);
    void updateAvailability();

    ConsoleContext m_ctx;
    ReadTicketPtr m_numbersTicket;
    bool m_reloadScheduled = false;
    SimulatorTrafficModel *m_traffic = nullptr;
    QLineEdit *m_from = nullptr;
    QComboBox *m_to = nullptr;
    QLineEdit *m_body = nullptr;
    QLineEdit *m_media = nullptr;
    QPushButton *m_send = nullptr;
    QPushButton *m_call = nullptr;
    QLabel *m_availability = nullptr;
    MessageBanner *m_banner = nullptr;
    QTableView *m_view = nullptr;
};

} // namespace Maskline
